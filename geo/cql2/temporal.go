package cql2

import (
	"fmt"
	"time"
)

// bound is one end of a time literal; a date end covers its whole day.
type bound struct {
	t    time.Time
	date bool
	open bool
}

// temporal compiles T_INTERSECTS of a date, timestamp or interval
// (daterange) property with a DATE, TIMESTAMP or INTERVAL literal.
func (c *compiler) temporal(e *Temporal) (string, error) {
	if e.Op != "T_INTERSECTS" {
		return "", unsupportedAt(e.Pos(), e.Op)
	}
	prop, val, _, ok := propertyAndValue(e.A, e.B)
	if !ok {
		return "", unsupportedAt(e.Pos(), fmt.Sprintf("T_INTERSECTS of %s and %s", describe(e.A), describe(e.B)))
	}
	q, err := c.property(prop)
	if err != nil {
		return "", err
	}
	lo, hi, err := timeBounds(val)
	if err != nil {
		return "", err
	}
	switch q.Type {
	case Interval:
		return q.SQL + " && daterange(" + c.dateArg(lo, 0) + ", " + c.dateArg(hi, 1) + ")", nil
	case Date:
		return c.dateWithin(q.SQL, lo, hi), nil
	case Timestamp:
		return c.timestampWithin(q.SQL, lo, hi), nil
	}
	return "", errorAt(prop.Pos(), "T_INTERSECTS needs a date, timestamp or interval, found property %s (%s)", quote(prop.Name), q.Type)
}

// timeBounds returns the ends of a DATE, TIMESTAMP or INTERVAL literal.
func timeBounds(e Expr) (lo, hi bound, err error) {
	switch v := e.(type) {
	case *DateLit:
		return bound{t: v.Value, date: true}, bound{t: v.Value, date: true}, nil
	case *TimestampLit:
		return bound{t: v.Value}, bound{t: v.Value}, nil
	case *IntervalLit:
		if lo, err = intervalEnd(v.Start); err == nil {
			hi, err = intervalEnd(v.End)
		}
		if err == nil && backwards(lo, hi) {
			err = errorAt(v.Pos(), "INTERVAL ends before it starts")
		}
		return lo, hi, err
	case *Property, *Func:
		return lo, hi, unsupportedAt(e.Pos(), "T_INTERSECTS of two properties or functions")
	}
	return lo, hi, errorAt(e.Pos(), "T_INTERSECTS needs a DATE, TIMESTAMP or INTERVAL, found %s", describe(e))
}

// intervalEnd returns one end of an INTERVAL literal.
func intervalEnd(e Expr) (bound, error) {
	switch v := e.(type) {
	case *DateLit:
		return bound{t: v.Value, date: true}, nil
	case *TimestampLit:
		return bound{t: v.Value}, nil
	case *OpenEnd:
		return bound{open: true}, nil
	}
	return bound{}, unsupportedAt(e.Pos(), "an INTERVAL end that is "+describe(e))
}

// backwards reports an interval whose end comes before its start; a date
// end lasts until the next midnight.
func backwards(lo, hi bound) bool {
	switch {
	case lo.open || hi.open:
		return false
	case hi.date:
		return !hi.t.AddDate(0, 0, 1).After(lo.t)
	}
	return hi.t.Before(lo.t)
}

// dateArg adds the UTC date of b plus days as a date placeholder, or
// returns NULL for an open end.
func (c *compiler) dateArg(b bound, days int) string {
	if b.open {
		return "NULL::date"
	}
	y, m, d := b.t.UTC().Date()
	return c.arg(time.Date(y, m, d+days, 0, 0, 0, 0, time.UTC)) + "::date"
}

// timeArg adds b's instant plus days as a timestamptz placeholder.
func (c *compiler) timeArg(b bound, days int) string {
	return c.arg(b.t.AddDate(0, 0, days)) + "::timestamptz"
}

// dateWithin bounds a date property by the dates of lo and hi.
func (c *compiler) dateWithin(sql string, lo, hi bound) string {
	var lower, upper string
	if !lo.open {
		lower = sql + " >= " + c.dateArg(lo, 0)
	}
	if !hi.open {
		upper = sql + " <= " + c.dateArg(hi, 0)
	}
	return within(sql, lower, upper)
}

// timestampWithin bounds a timestamp property: from lo's instant, up to
// the next midnight for a date end or up to the instant for a timestamp end.
func (c *compiler) timestampWithin(sql string, lo, hi bound) string {
	var lower, upper string
	if !lo.open {
		lower = sql + " >= " + c.timeArg(lo, 0)
	}
	switch {
	case hi.open:
	case hi.date:
		upper = sql + " < " + c.timeArg(hi, 1)
	default:
		upper = sql + " <= " + c.timeArg(hi, 0)
	}
	return within(sql, lower, upper)
}

// within joins the lower and upper conditions; with both ends open the
// property only has to be set.
func within(sql, lower, upper string) string {
	switch {
	case lower != "" && upper != "":
		return "(" + lower + " AND " + upper + ")"
	case lower != "":
		return lower
	case upper != "":
		return upper
	}
	return sql + " IS NOT NULL"
}
