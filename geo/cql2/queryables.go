package cql2

import (
	"fmt"
	"slices"

	"github.com/commonground/commonground/geo"
)

// types maps each domain queryable type to the type the compiler checks it
// as: the one place the two vocabularies meet.
var types = map[geo.QueryableType]Type{
	geo.QString:      String,
	geo.QInteger:     Integer,
	geo.QNumber:      Number,
	geo.QDate:        Date,
	geo.QInterval:    Interval,
	geo.QGeometry:    Geometry,
	geo.QStringArray: StringArray,
}

// TypeOf returns the compiler type of a domain queryable type; ok is false
// for a type this package does not know.
func TypeOf(t geo.QueryableType) (typ Type, ok bool) {
	typ, ok = types[t]
	return typ, ok
}

// Bind returns the queryables Compile takes for the domain's list qs: each
// name stands for sql[name] and has the type TypeOf derives from its
// geo.QueryableType. It fails (a plain error: a defect of the program, not
// of a request) when a queryable has no SQL or a type TypeOf does not know,
// or when sql holds a name qs does not list.
func Bind(qs []geo.Queryable, sql map[string]string) (map[string]Queryable, error) {
	out := make(map[string]Queryable, len(qs))
	for _, q := range qs {
		typ, ok := TypeOf(q.Type)
		if !ok {
			return nil, fmt.Errorf("cql2: queryable %q has type %q, which cql2 does not know", q.Name, q.Type)
		}
		s, ok := sql[q.Name]
		if !ok {
			return nil, fmt.Errorf("cql2: queryable %q has no SQL", q.Name)
		}
		out[q.Name] = Queryable{SQL: s, Type: typ}
	}
	for name := range sql {
		if !slices.ContainsFunc(qs, func(q geo.Queryable) bool { return q.Name == name }) {
			return nil, fmt.Errorf("cql2: SQL for %q, which is not a queryable", name)
		}
	}
	return out, nil
}

// Check reports the errors Compile would report for e against the
// queryables Bind makes of qs, whatever their SQL: an unknown property, a
// type mismatch, or CQL2 outside the supported set (all *geo.Error with
// code EInvalid for the "filter" parameter). It runs the compiler itself,
// over placeholder SQL it then drops, so the two cannot disagree. A type
// TypeOf does not know is an internal error.
func Check(e Expr, qs []geo.Queryable) error {
	sql := make(map[string]string, len(qs))
	for _, q := range qs {
		sql[q.Name] = "NULL" // never run: only the names and types matter here
	}
	typed, err := Bind(qs, sql)
	if err != nil {
		return &geo.Error{Code: geo.EInternal, Err: err}
	}
	_, _, err = Compile(e, typed, 1)
	return err
}
