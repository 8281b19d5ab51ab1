package cql2

import "time"

// Expr is a node of a parsed filter. The set of node types is closed: only
// the types of this package implement it. Pos returns the 1-based character
// position where the node starts in the filter text.
type Expr interface {
	Pos() int
	node()
}

// at is the position a node starts at; every node embeds it, which seals
// Expr to this package.
type at int

// Pos returns the 1-based character position of the node.
func (a at) Pos() int { return int(a) }
func (at) node()      {}

// And is the conjunction of two or more boolean expressions.
type And struct {
	at
	Args []Expr
}

// Or is the disjunction of two or more boolean expressions.
type Or struct {
	at
	Args []Expr
}

// Not negates a boolean expression.
type Not struct {
	at
	X Expr
}

// Compare is a binary comparison; Op is one of = <> < > <= >=.
type Compare struct {
	at
	Op          string
	Left, Right Expr
}

// Like is X [NOT] LIKE Pattern (% any run, _ one character).
type Like struct {
	at
	X, Pattern Expr
	Not        bool
}

// Between is X [NOT] BETWEEN Low AND High.
type Between struct {
	at
	X, Low, High Expr
	Not          bool
}

// In is X [NOT] IN (List...).
type In struct {
	at
	X    Expr
	List []Expr
	Not  bool
}

// IsNull is X IS [NOT] NULL.
type IsNull struct {
	at
	X   Expr
	Not bool
}

// Spatial is a spatial predicate such as S_INTERSECTS(A, B); Op is upper case.
type Spatial struct {
	at
	Op   string
	A, B Expr
}

// Temporal is a temporal predicate such as T_INTERSECTS(A, B); Op is upper case.
type Temporal struct {
	at
	Op   string
	A, B Expr
}

// ArrayPred is an array predicate such as A_CONTAINS(A, B); Op is upper case.
type ArrayPred struct {
	at
	Op   string
	A, B Expr
}

// Arith is a binary arithmetic expression; Op is one of + - * / % div ^.
type Arith struct {
	at
	Op          string
	Left, Right Expr
}

// Neg is unary minus applied to something other than a number literal.
type Neg struct {
	at
	X Expr
}

// Func is a function call other than the predicates above, including CASEI
// and ACCENTI; Name is as written.
type Func struct {
	at
	Name string
	Args []Expr
}

// Property names a queryable; Name is unquoted.
type Property struct {
	at
	Name string
}

// StringLit is a character string literal, with ” escapes resolved.
type StringLit struct {
	at
	Value string
}

// NumberLit is a numeric literal. IsInt reports an integer literal that fits
// in an int64 (Int); otherwise Float holds the value.
type NumberLit struct {
	at
	Text  string
	IsInt bool
	Int   int64
	Float float64
}

// BoolLit is TRUE or FALSE.
type BoolLit struct {
	at
	Value bool
}

// DateLit is DATE('2006-01-02'), or a date string inside INTERVAL.
type DateLit struct {
	at
	Value time.Time // midnight UTC
}

// TimestampLit is TIMESTAMP('2006-01-02T15:04:05Z'), or a timestamp string
// inside INTERVAL.
type TimestampLit struct {
	at
	Value time.Time
}

// OpenEnd is the '..' end of an INTERVAL.
type OpenEnd struct {
	at
}

// IntervalLit is INTERVAL(Start, End); each end is a *DateLit,
// *TimestampLit, *OpenEnd, *Property or *Func.
type IntervalLit struct {
	at
	Start, End Expr
}

// GeometryLit is a WKT geometry literal. WKT is normalised text (upper-case
// keywords, shortest number form); the Min/Max fields bound its x and y.
type GeometryLit struct {
	at
	Kind                   string // POINT, LINESTRING, ..., GEOMETRYCOLLECTION
	WKT                    string
	MinX, MinY, MaxX, MaxY float64
}

// BBoxLit is BBOX(minx, miny, maxx, maxy) or the 6-number 3D form
// (minx, miny, minz, maxx, maxy, maxz).
type BBoxLit struct {
	at
	Coords []float64
}

// ArrayLit is a parenthesised list used as an array, e.g. ('a', 'b').
type ArrayLit struct {
	at
	Elems []Expr
}
