package cql2

import (
	"math"
	"strconv"
	"strings"
)

// wktKinds are the WKT geometry keywords CQL2 text accepts.
var wktKinds = map[string]bool{
	"POINT": true, "LINESTRING": true, "POLYGON": true, "MULTIPOINT": true,
	"MULTILINESTRING": true, "MULTIPOLYGON": true, "GEOMETRYCOLLECTION": true,
}

// wkt parses one geometry literal and writes its normalised text.
type wkt struct {
	p                      *parser
	b                      strings.Builder
	dim                    int // coordinates per position once known: 2 or 3
	minX, minY, maxX, maxY float64
}

// geometry parses the WKT literal whose keyword t (upper case up) has
// been read. Rings must be closed with at least 4 positions, lines need 2
// positions, and all positions have the same number of coordinates.
func (p *parser) geometry(t token, up string) (Expr, error) {
	w := &wkt{p: p, minX: math.Inf(1), minY: math.Inf(1), maxX: math.Inf(-1), maxY: math.Inf(-1)}
	if err := w.geometry(up); err != nil {
		return nil, err
	}
	return p.built(&GeometryLit{at: at(t.pos), Kind: up, WKT: w.b.String(),
		MinX: w.minX, MinY: w.minY, MaxX: w.maxX, MaxY: w.maxY})
}

// geometry parses [Z] and the body of a geometry of the given kind.
func (w *wkt) geometry(kind string) error {
	w.b.WriteString(kind)
	if w.p.isKeyword("Z") {
		z := w.p.advance()
		if w.dim == 2 {
			return errorAt(z.pos, "mixed 2D and 3D coordinates")
		}
		w.dim = 3
		w.b.WriteString(" Z")
	}
	w.b.WriteByte(' ')
	switch kind {
	case "POINT":
		return w.point()
	case "LINESTRING":
		return w.line(false)
	case "POLYGON":
		return w.polygon()
	case "MULTIPOINT":
		return w.multi("MULTIPOINT", func() error {
			if w.p.isOp("(") {
				return w.point()
			}
			_, err := w.position()
			return err
		})
	case "MULTILINESTRING":
		return w.multi(kind, func() error { return w.line(false) })
	case "MULTIPOLYGON":
		return w.multi(kind, w.polygon)
	default:
		return w.multi(kind, w.member)
	}
}

// member parses one geometry inside a GEOMETRYCOLLECTION.
func (w *wkt) member() error {
	t := w.p.peek()
	up := strings.ToUpper(t.text)
	if t.kind != tIdent || !wktKinds[up] {
		return errorAt(t.pos, "expected a geometry in GEOMETRYCOLLECTION, found %s", t.describe())
	}
	w.p.advance()
	if err := w.p.enter(t.pos); err != nil {
		return err
	}
	defer w.p.leave()
	if err := w.p.node(t.pos); err != nil {
		return err
	}
	return w.geometry(up)
}

// multi parses ( item {, item} ) and writes it with its parentheses.
func (w *wkt) multi(what string, item func() error) error {
	if err := w.p.expectOp("("); err != nil {
		return err
	}
	w.b.WriteByte('(')
	for {
		if err := item(); err != nil {
			return err
		}
		if !w.p.isOp(",") {
			break
		}
		w.p.advance()
		w.b.WriteString(", ")
	}
	if !w.p.isOp(")") {
		t := w.p.peek()
		return errorAt(t.pos, "expected ',' or ')' in %s, found %s", what, t.describe())
	}
	w.p.advance()
	w.b.WriteByte(')')
	return nil
}

// point parses ( position ).
func (w *wkt) point() error {
	return w.multi("POINT", func() error {
		_, err := w.position()
		return err
	})
}

// polygon parses ( ring {, ring} ).
func (w *wkt) polygon() error {
	return w.multi("POLYGON", func() error { return w.line(true) })
}

// line parses ( position {, position} ): a ring when ring is set.
func (w *wkt) line(ring bool) error {
	start := w.p.peek()
	var first, last []float64
	n := 0
	err := w.multi("coordinate list", func() error {
		c, err := w.position()
		if n == 0 {
			first = c
		}
		last = c
		n++
		return err
	})
	switch {
	case err != nil:
		return err
	case ring && n < 4:
		return errorAt(start.pos, "a polygon ring needs at least 4 positions")
	case ring && !sameCoords(first, last):
		return errorAt(start.pos, "polygon ring is not closed")
	case n < 2:
		return errorAt(start.pos, "a line needs at least 2 positions")
	}
	return nil
}

func sameCoords(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// position parses 2 or 3 signed numbers and writes them.
func (w *wkt) position() ([]float64, error) {
	start := w.p.peek()
	var c []float64
	for len(c) < 4 && (w.p.peek().kind == tNumber || w.p.isOp("-")) {
		t := w.p.advance()
		text := t.text
		if t.kind == tOp {
			if n := w.p.peek(); n.kind != tNumber {
				return nil, errorAt(n.pos, "expected a number, found %s", n.describe())
			}
			text = "-" + w.p.advance().text
		}
		f, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsInf(f, 0) {
			return nil, errorAt(t.pos, "number %s out of range", quote(text))
		}
		c = append(c, f)
	}
	switch {
	case len(c) < 2 || len(c) > 3:
		return nil, errorAt(start.pos, "a position needs 2 or 3 coordinates, found %d", len(c))
	case w.dim != 0 && w.dim != len(c):
		return nil, errorAt(start.pos, "mixed 2D and 3D coordinates")
	}
	w.dim = len(c)
	w.minX, w.maxX = min(w.minX, c[0]), max(w.maxX, c[0])
	w.minY, w.maxY = min(w.minY, c[1]), max(w.maxY, c[1])
	for i, f := range c {
		if i > 0 {
			w.b.WriteByte(' ')
		}
		w.b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
	}
	return c, nil
}

// bbox parses BBOX(minx, miny, maxx, maxy) or its 6-number 3D form.
func (p *parser) bbox(t token) (Expr, error) {
	items, err := p.list("BBOX")
	if err != nil {
		return nil, err
	}
	if len(items) != 4 && len(items) != 6 {
		return nil, errorAt(t.pos, "BBOX takes 4 or 6 numbers, got %d", len(items))
	}
	coords := make([]float64, len(items))
	for i, it := range items {
		n, ok := it.(*NumberLit)
		if !ok {
			return nil, errorAt(it.Pos(), "BBOX takes only numbers")
		}
		coords[i] = n.Float
	}
	return p.built(&BBoxLit{at(t.pos), coords})
}
