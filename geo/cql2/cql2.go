// Package cql2 parses CQL2 text filters (OGC API - Features - Part 3,
// OGC 21-065) and compiles them to PostgreSQL boolean expressions whose
// values are all $n placeholders.
//
// Parse accepts the whole CQL2 text grammar: boolean logic, comparisons,
// LIKE, BETWEEN, IN, IS NULL, literals (strings, numbers, booleans, DATE,
// TIMESTAMP, INTERVAL, WKT geometries, BBOX, arrays), spatial, temporal and
// array functions, CASEI/ACCENTI, arithmetic and generic function calls.
// Compile supports the subset CommonGround can run (see Compile) and rejects
// the rest as "not supported". Property names are resolved only through a
// map of Queryables written in Go, so no request text ever becomes SQL text.
//
// Every error is a *geo.Error with code geo.EInvalid and one FieldError for
// the "filter" parameter whose Detail says what is wrong and where (a
// 1-based character position).
package cql2

import (
	"errors"
	"fmt"

	"github.com/commonground/commonground/geo"
)

// Type is the type of a queryable property as the compiler checks it.
type Type int

// Property types. The zero value is String.
const (
	String      Type = iota // text
	Number                  // numeric or double precision
	Integer                 // integer or bigint
	Boolean                 // boolean
	Date                    // date
	Timestamp               // timestamptz
	Interval                // daterange
	Geometry                // geometry in EPSG:4326
	StringArray             // text[]
)

var typeNames = [...]string{"string", "number", "integer", "boolean", "date", "timestamp", "interval", "geometry", "string array"}

// String returns the type's name as error messages use it.
func (t Type) String() string {
	if t < 0 || int(t) >= len(typeNames) {
		return fmt.Sprintf("Type(%d)", int(t))
	}
	return typeNames[t]
}

// Queryable is a property a filter may name.
type Queryable struct {
	SQL  string // trusted SQL expression from Go code, e.g. "a.status"
	Type Type
}

// Limits bound the cost of parsing a filter. A zero or negative field takes
// its default.
type Limits struct {
	MaxLength int // characters (runes); default 4000
	MaxDepth  int // nesting of parentheses, function calls and NOT; default 20
	MaxNodes  int // syntax tree nodes; default 200
}

// Default limits.
const (
	DefaultMaxLength = 4000
	DefaultMaxDepth  = 20
	DefaultMaxNodes  = 200
)

func (l Limits) withDefaults() Limits {
	if l.MaxLength <= 0 {
		l.MaxLength = DefaultMaxLength
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxNodes <= 0 {
		l.MaxNodes = DefaultMaxNodes
	}
	return l
}

// ErrUnsupported is the cause (geo.Error.Err) of the errors Compile returns
// for valid CQL2 that CommonGround does not run; test with errors.Is.
var ErrUnsupported = errors.New("cql2: not supported")

// errorAt returns the EInvalid error for the filter parameter; pos is a
// 1-based character position, or 0 when no position applies.
func errorAt(pos int, format string, args ...any) *geo.Error {
	detail := fmt.Sprintf(format, args...)
	if pos > 0 {
		detail = fmt.Sprintf("%s at position %d", detail, pos)
	}
	return &geo.Error{
		Code:    geo.EInvalid,
		Message: "invalid filter: " + detail,
		Fields:  []geo.FieldError{{Parameter: "filter", Detail: detail}},
	}
}

// unsupportedAt returns the error for valid CQL2 that Compile does not
// support: "<what> is not supported at position <pos>".
func unsupportedAt(pos int, what string) *geo.Error {
	e := errorAt(pos, "%s is not supported", what)
	e.Err = ErrUnsupported
	return e
}
