package cql2

import (
	"fmt"
	"strings"
)

// operand is a compiled scalar: a property's SQL, a placeholder or a
// function of them.
type operand struct {
	sql  string
	cast string // for a literal, the cast that fixes its placeholder's type
	typ  Type
	prop string // the property's name when the operand is a property
}

func (o operand) literal() bool { return o.cast != "" }

// typed renders o with its cast, if any.
func (o operand) typed() string { return o.sql + o.cast }

// against renders o beside other. A literal stays a bare placeholder when
// PostgreSQL can take its type from other (so a column's own type, an enum
// say, applies); otherwise it is cast.
func (o operand) against(other operand) string {
	if o.literal() && (other.literal() || !inferable(o.typ, other.typ)) {
		return o.typed()
	}
	return o.sql
}

// inferable reports whether a literal of type lit may take the type of an
// expression of type other: an integer fits a numeric column, a decimal
// does not fit an integer one.
func inferable(lit, other Type) bool {
	return lit == other || (lit == Integer && other == Number)
}

// what describes o for error messages.
func (o operand) what() string {
	if o.prop != "" {
		return fmt.Sprintf("property %s (%s)", quote(o.prop), o.typ)
	}
	switch o.typ {
	case Integer, Interval:
		return "an " + o.typ.String()
	}
	return "a " + o.typ.String()
}

// family groups the types that compare with each other; "" compares with
// nothing.
func family(t Type) string {
	switch t {
	case String:
		return "string"
	case Number, Integer:
		return "number"
	case Boolean:
		return "boolean"
	case Date, Timestamp:
		return "time"
	}
	return ""
}

func canCompare(a, b operand) bool { return family(a.typ) != "" && family(a.typ) == family(b.typ) }

// mismatch reports two operands that cannot meet, naming a property first.
func mismatch(pos int, verb string, a, b operand) error {
	if a.prop == "" && b.prop != "" {
		a, b = b, a
	}
	return errorAt(pos, "cannot %s %s with %s", verb, a.what(), b.what())
}

// operand compiles a scalar expression.
func (c *compiler) operand(e Expr) (operand, error) {
	switch e := e.(type) {
	case *Property:
		q, err := c.property(e)
		return operand{sql: q.SQL, typ: q.Type, prop: e.Name}, err
	case *StringLit:
		return operand{c.arg(e.Value), "::text", String, ""}, nil
	case *NumberLit:
		if e.IsInt {
			return operand{c.arg(e.Int), "::bigint", Integer, ""}, nil
		}
		return operand{c.arg(e.Float), "::float8", Number, ""}, nil
	case *BoolLit:
		return operand{c.arg(e.Value), "::boolean", Boolean, ""}, nil
	case *DateLit:
		return operand{c.arg(e.Value), "::date", Date, ""}, nil
	case *TimestampLit:
		return operand{c.arg(e.Value), "::timestamptz", Timestamp, ""}, nil
	case *Func:
		return c.function(e)
	case *Arith, *Neg:
		return operand{}, unsupportedAt(e.Pos(), "arithmetic")
	case *And, *Or, *Not, *Compare, *Like, *Between, *In, *IsNull, *Spatial, *Temporal, *ArrayPred:
		return operand{}, unsupportedAt(e.Pos(), "using a predicate as a value")
	}
	return operand{}, errorAt(e.Pos(), "%s cannot be used here", describe(e))
}

// function compiles CASEI; other functions are not supported.
func (c *compiler) function(f *Func) (operand, error) {
	switch {
	case strings.EqualFold(f.Name, "CASEI") && len(f.Args) == 1:
		x, err := c.operand(f.Args[0])
		if err != nil {
			return operand{}, err
		}
		if x.typ != String {
			return operand{}, errorAt(f.Pos(), "CASEI needs a string, found %s", x.what())
		}
		return operand{sql: "lower(" + x.typed() + ")", typ: String}, nil
	case strings.EqualFold(f.Name, "CASEI"):
		return operand{}, errorAt(f.Pos(), "CASEI takes 1 argument, got %d", len(f.Args))
	case strings.EqualFold(f.Name, "ACCENTI"):
		return operand{}, unsupportedAt(f.Pos(), "ACCENTI")
	}
	return operand{}, unsupportedAt(f.Pos(), "function "+quote(f.Name))
}

// operands compiles several scalar expressions in order.
func (c *compiler) operands(es ...Expr) ([]operand, error) {
	out := make([]operand, len(es))
	for i, e := range es {
		o, err := c.operand(e)
		if err != nil {
			return nil, err
		}
		out[i] = o
	}
	return out, nil
}

// compare compiles a binary comparison.
func (c *compiler) compare(e *Compare) (string, error) {
	ops, err := c.operands(e.Left, e.Right)
	if err != nil {
		return "", err
	}
	l, r := ops[0], ops[1]
	if l.typ == StringArray || r.typ == StringArray {
		return arrayEquals(e, l, r)
	}
	if !canCompare(l, r) {
		return "", mismatch(e.Pos(), "compare", l, r)
	}
	return l.against(r) + " " + e.Op + " " + r.against(l), nil
}

// arrayEquals compiles array_property = 'value' as "the array contains
// the value".
func arrayEquals(e *Compare, l, r operand) (string, error) {
	arr, val := l, r
	if r.typ == StringArray {
		arr, val = r, l
	}
	switch {
	case val.typ == StringArray:
		return "", unsupportedAt(e.Pos(), "comparing two string arrays")
	case e.Op != "=":
		return "", unsupportedAt(e.Pos(), "operator "+e.Op+" on "+arr.what())
	case val.typ != String:
		return "", mismatch(e.Pos(), "compare", arr, val)
	}
	return val.sql + " = ANY(" + arr.sql + ")", nil
}
