package cql2

import (
	"slices"
	"strconv"
	"strings"
)

// Compile turns a parsed filter into a PostgreSQL boolean expression.
// Property names must be keys of queryables (exact, case-sensitive); each
// stands for its trusted SQL. Every literal becomes a placeholder
// $argStart, $argStart+1, ... (argStart below 1 counts as 1) whose value is
// returned in args as a string, int64, float64, bool, time.Time or
// []string; the SQL casts a placeholder where PostgreSQL cannot infer its
// type from the other operand.
//
// Supported: AND, OR, NOT; = <> < > <= >=; [NOT] LIKE; [NOT] BETWEEN;
// [NOT] IN; IS [NOT] NULL; CASEI (lower()); S_INTERSECTS of a Geometry
// property with a WKT or BBOX literal (a BBOX with minx > maxx crosses the
// antimeridian); T_INTERSECTS of an Interval (daterange), Date or Timestamp
// property with a DATE, TIMESTAMP or INTERVAL literal ('..' ends are open);
// A_CONTAINS and A_OVERLAPS of a StringArray property with an array of
// strings. On a StringArray property, = 'x' means "contains x" and IN (...)
// means "shares a value with the list".
//
// Errors are *geo.Error with code EInvalid: an unknown property, a type
// mismatch (naming the property), or valid CQL2 outside the supported set,
// whose detail ends in "is not supported" and whose cause is ErrUnsupported.
func Compile(e Expr, queryables map[string]Queryable, argStart int) (sql string, args []any, err error) {
	if e == nil {
		return "", nil, errorAt(0, "empty filter")
	}
	if argStart < 1 {
		argStart = 1
	}
	c := &compiler{queryables: queryables, next: argStart}
	sql, err = c.boolean(e)
	if err != nil {
		return "", nil, err
	}
	return sql, c.args, nil
}

// compiler accumulates placeholder values while it writes SQL.
type compiler struct {
	queryables map[string]Queryable
	next       int // number of the next placeholder
	args       []any
}

// arg adds a placeholder value and returns its $n.
func (c *compiler) arg(v any) string {
	c.args = append(c.args, v)
	c.next++
	return "$" + strconv.Itoa(c.next-1)
}

// property resolves a property name through the queryables.
func (c *compiler) property(p *Property) (Queryable, error) {
	q, ok := c.queryables[p.Name]
	if !ok {
		names := make([]string, 0, len(c.queryables))
		for n := range c.queryables {
			names = append(names, n)
		}
		slices.Sort(names)
		return Queryable{}, errorAt(0, "unknown property %s at position %d (queryables: %s)",
			quote(p.Name), p.Pos(), strings.Join(names, ", "))
	}
	return q, nil
}

// boolean compiles an expression that must yield a boolean.
func (c *compiler) boolean(e Expr) (string, error) {
	switch e := e.(type) {
	case *And:
		return c.join(e.Args, " AND ")
	case *Or:
		return c.join(e.Args, " OR ")
	case *Not:
		x, err := c.boolean(e.X)
		return "NOT (" + x + ")", err
	case *Compare:
		return c.compare(e)
	case *Like:
		return c.like(e)
	case *Between:
		return c.between(e)
	case *In:
		return c.in(e)
	case *IsNull:
		return c.isNull(e)
	case *Spatial:
		return c.spatial(e)
	case *Temporal:
		return c.temporal(e)
	case *ArrayPred:
		return c.arrayPred(e)
	case *BoolLit:
		return c.arg(e.Value) + "::boolean", nil
	case *Func:
		if isOneOf(e.Name, "CASEI", "ACCENTI") {
			return "", errorAt(e.Pos(), "%s does not yield a boolean", strings.ToUpper(e.Name))
		}
		return "", unsupportedAt(e.Pos(), "function "+quote(e.Name))
	}
	return "", errorAt(e.Pos(), "expected a boolean expression, found %s", describe(e))
}

// join compiles boolean operands joined by op, in parentheses.
func (c *compiler) join(args []Expr, op string) (string, error) {
	parts := make([]string, len(args))
	for i, a := range args {
		s, err := c.boolean(a)
		if err != nil {
			return "", err
		}
		parts[i] = s
	}
	return "(" + strings.Join(parts, op) + ")", nil
}

// describe names a node's kind for error messages.
func describe(e Expr) string {
	switch e := e.(type) {
	case *Property:
		return "property " + quote(e.Name)
	case *StringLit:
		return "a string"
	case *NumberLit:
		return "a number"
	case *BoolLit:
		return "a boolean"
	case *DateLit:
		return "a date"
	case *TimestampLit:
		return "a timestamp"
	case *IntervalLit:
		return "an interval"
	case *OpenEnd:
		return "an open end ('..')"
	case *GeometryLit:
		return "a geometry"
	case *BBoxLit:
		return "a BBOX"
	case *ArrayLit:
		return "an array"
	case *Arith, *Neg:
		return "arithmetic"
	case *Func:
		return "function " + quote(e.Name)
	case *Spatial:
		return e.Op
	case *Temporal:
		return e.Op
	case *ArrayPred:
		return e.Op
	}
	return "a predicate"
}
