package cql2

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// reserved are keywords that cannot be bare property names (quote them).
var reserved = map[string]bool{
	"AND": true, "OR": true, "NOT": true, "LIKE": true, "BETWEEN": true,
	"IN": true, "IS": true, "NULL": true, "DIV": true,
}

// Predicate function names, upper case.
var (
	spatialOps = map[string]bool{
		"S_INTERSECTS": true, "S_EQUALS": true, "S_DISJOINT": true, "S_TOUCHES": true,
		"S_WITHIN": true, "S_OVERLAPS": true, "S_CROSSES": true, "S_CONTAINS": true,
	}
	temporalOps = map[string]bool{
		"T_AFTER": true, "T_BEFORE": true, "T_CONTAINS": true, "T_DISJOINT": true,
		"T_DURING": true, "T_EQUALS": true, "T_FINISHEDBY": true, "T_FINISHES": true,
		"T_INTERSECTS": true, "T_MEETS": true, "T_METBY": true, "T_OVERLAPPEDBY": true,
		"T_OVERLAPS": true, "T_STARTEDBY": true, "T_STARTS": true,
	}
	arrayOps = map[string]bool{
		"A_EQUALS": true, "A_CONTAINS": true, "A_CONTAINEDBY": true, "A_OVERLAPS": true,
	}
)

// primary parses a literal, a property, a function call or a parenthesised
// expression or array.
func (p *parser) primary() (Expr, error) {
	t := p.peek()
	switch t.kind {
	case tNumber:
		p.advance()
		return p.number(t, false, t.pos)
	case tString:
		p.advance()
		return p.built(&StringLit{at(t.pos), t.text})
	case tQuoted:
		p.advance()
		return p.built(&Property{at(t.pos), t.text})
	case tIdent:
		return p.ident()
	case tOp:
		if t.text == "(" {
			return p.paren()
		}
	}
	return nil, errorAt(t.pos, "unexpected %s", t.describe())
}

// number builds a numeric literal from token t, negated if neg; pos is
// where the literal (or its minus sign) starts.
func (p *parser) number(t token, neg bool, pos int) (Expr, error) {
	text := t.text
	if neg {
		text = "-" + text
	}
	n := &NumberLit{at: at(pos), Text: text}
	if i, err := strconv.ParseInt(text, 10, 64); err == nil {
		n.IsInt, n.Int, n.Float = true, i, float64(i)
	} else {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsInf(f, 0) {
			return nil, errorAt(pos, "number %s out of range", quote(text))
		}
		n.Float = f
	}
	return p.built(n)
}

// paren parses ( expr ) as the expression itself and ( a, b, ... ) or ()
// as an array.
func (p *parser) paren() (Expr, error) {
	open := p.peek()
	items, err := p.list("parentheses")
	if err != nil {
		return nil, err
	}
	if len(items) == 1 {
		return items[0], nil
	}
	return p.built(&ArrayLit{at(open.pos), items})
}

// array parses ( [elem {, elem}] ) as an array, even with one element.
func (p *parser) array() (Expr, error) {
	open := p.peek()
	items, err := p.list("array")
	if err != nil {
		return nil, err
	}
	return p.built(&ArrayLit{at(open.pos), items})
}

// ident parses what starts with a bare identifier: TRUE/FALSE, a typed
// literal, a geometry, a function call or a property name.
func (p *parser) ident() (Expr, error) {
	t := p.advance()
	up := strings.ToUpper(t.text)
	switch {
	case up == "TRUE" || up == "FALSE":
		return p.built(&BoolLit{at(t.pos), up == "TRUE"})
	case reserved[up]:
		return nil, errorAt(t.pos, "unexpected keyword %s", up)
	case wktKinds[up] && (p.isOp("(") || p.isKeyword("Z")):
		return p.geometry(t, up)
	case !p.isOp("("):
		return p.built(&Property{at(t.pos), t.text})
	}
	switch up {
	case "DATE", "TIMESTAMP":
		return p.instant(t, up)
	case "INTERVAL":
		return p.interval(t)
	case "BBOX":
		return p.bbox(t)
	}
	return p.call(t, up)
}

// call parses the arguments of function t; the spatial, temporal and
// array functions become predicate nodes and take exactly two arguments.
func (p *parser) call(t token, up string) (Expr, error) {
	item := p.orExpr
	if arrayOps[up] {
		item = func() (Expr, error) {
			if p.isOp("(") {
				return p.array()
			}
			return p.orExpr()
		}
	}
	args, err := p.items("arguments of "+t.text, item)
	if err != nil {
		return nil, err
	}
	pred := spatialOps[up] || temporalOps[up] || arrayOps[up]
	if pred && len(args) != 2 {
		return nil, errorAt(t.pos, "%s takes 2 arguments, got %d", up, len(args))
	}
	switch {
	case spatialOps[up]:
		return p.built(&Spatial{at(t.pos), up, args[0], args[1]})
	case temporalOps[up]:
		return p.built(&Temporal{at(t.pos), up, args[0], args[1]})
	case arrayOps[up]:
		return p.built(&ArrayPred{at(t.pos), up, args[0], args[1]})
	}
	return p.built(&Func{at(t.pos), t.text, args})
}

// instant parses DATE('...') or TIMESTAMP('...').
func (p *parser) instant(t token, up string) (Expr, error) {
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	s := p.peek()
	if s.kind != tString {
		return nil, errorAt(s.pos, "expected a string in %s(), found %s", up, s.describe())
	}
	p.advance()
	if err := p.expectOp(")"); err != nil {
		return nil, err
	}
	e, err := parseInstant(s.text, s.pos)
	if err != nil {
		return nil, err
	}
	switch e := e.(type) {
	case *DateLit:
		if up == "DATE" {
			e.at = at(t.pos)
			return p.built(e)
		}
	case *TimestampLit:
		if up == "TIMESTAMP" {
			e.at = at(t.pos)
			return p.built(e)
		}
	}
	return nil, errorAt(s.pos, "%s is not a valid %s", quote(s.text), strings.ToLower(up))
}

// interval parses INTERVAL(start, end); each end is a date or timestamp
// string, '..', a property or a function.
func (p *parser) interval(t token) (Expr, error) {
	ends, err := p.items("INTERVAL", func() (Expr, error) {
		s := p.peek()
		if s.kind == tString {
			p.advance()
			e, err := parseInstant(s.text, s.pos)
			if err != nil {
				return nil, err
			}
			return p.built(e)
		}
		e, err := p.additive()
		if err != nil {
			return nil, err
		}
		switch e.(type) {
		case *Property, *Func, *DateLit, *TimestampLit:
			return e, nil
		}
		return nil, errorAt(e.Pos(), "INTERVAL ends must be dates, timestamps, '..', properties or functions")
	})
	if err != nil {
		return nil, err
	}
	if len(ends) != 2 {
		return nil, errorAt(t.pos, "INTERVAL takes 2 arguments, got %d", len(ends))
	}
	return p.built(&IntervalLit{at(t.pos), ends[0], ends[1]})
}

// parseInstant parses a date ("2006-01-02"), an RFC 3339 timestamp or "..".
func parseInstant(s string, pos int) (Expr, error) {
	if s == ".." {
		return &OpenEnd{at(pos)}, nil
	}
	if len(s) == len(time.DateOnly) {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return nil, errorAt(pos, "invalid date %s", quote(s))
		}
		return &DateLit{at(pos), d}, nil
	}
	ts, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil, errorAt(pos, "invalid timestamp %s (want RFC 3339, e.g. 2020-01-01T00:00:00Z)", quote(s))
	}
	return &TimestampLit{at(pos), ts}, nil
}
