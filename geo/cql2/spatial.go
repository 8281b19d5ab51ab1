package cql2

import "fmt"

// propertyAndValue splits the two arguments of a predicate into the
// property and the other argument; ok is false unless exactly one is a
// property. first reports whether the property came first.
func propertyAndValue(a, b Expr) (prop *Property, val Expr, first, ok bool) {
	pa, aok := a.(*Property)
	pb, bok := b.(*Property)
	switch {
	case aok && !bok:
		return pa, b, true, true
	case bok && !aok:
		return pb, a, false, true
	}
	return nil, nil, false, false
}

// spatial compiles S_INTERSECTS of a geometry property with a WKT or BBOX
// literal, which PostGIS reads in EPSG:4326.
func (c *compiler) spatial(e *Spatial) (string, error) {
	if e.Op != "S_INTERSECTS" {
		return "", unsupportedAt(e.Pos(), e.Op)
	}
	prop, val, _, ok := propertyAndValue(e.A, e.B)
	if !ok {
		return "", unsupportedAt(e.Pos(), fmt.Sprintf("S_INTERSECTS of %s and %s", describe(e.A), describe(e.B)))
	}
	q, err := c.property(prop)
	if err != nil {
		return "", err
	}
	if q.Type != Geometry {
		return "", errorAt(prop.Pos(), "S_INTERSECTS needs a geometry, found property %s (%s)", quote(prop.Name), q.Type)
	}
	switch v := val.(type) {
	case *GeometryLit:
		if err := checkLonLat(v.Pos(), v.MinX, v.MinY, v.MaxX, v.MaxY); err != nil {
			return "", err
		}
		return "ST_Intersects(" + q.SQL + ", ST_GeomFromText(" + c.arg(v.WKT) + ", 4326))", nil
	case *BBoxLit:
		return c.envelope(q.SQL, v)
	case *Func:
		return "", unsupportedAt(v.Pos(), "function "+quote(v.Name)+" as a geometry")
	}
	return "", errorAt(val.Pos(), "S_INTERSECTS needs a geometry or BBOX, found %s", describe(val))
}

// checkLonLat checks that a box lies within longitude [-180, 180] and
// latitude [-90, 90].
func checkLonLat(pos int, minX, minY, maxX, maxY float64) error {
	switch {
	case minX < -180 || maxX > 180 || minX > 180 || maxX < -180:
		return errorAt(pos, "longitudes must be within [-180, 180]")
	case minY < -90 || maxY > 90 || minY > 90 || maxY < -90:
		return errorAt(pos, "latitudes must be within [-90, 90]")
	}
	return nil
}

// envelope compiles S_INTERSECTS with a BBOX; minx > maxx crosses the
// antimeridian and becomes two envelopes. A 3D BBOX drops its heights.
func (c *compiler) envelope(sql string, b *BBoxLit) (string, error) {
	v := b.Coords
	if len(v) == 6 {
		v = []float64{v[0], v[1], v[3], v[4]}
	}
	minX, minY, maxX, maxY := v[0], v[1], v[2], v[3]
	if err := checkLonLat(b.Pos(), min(minX, maxX), minY, max(minX, maxX), maxY); err != nil {
		return "", err
	}
	if minY > maxY {
		return "", errorAt(b.Pos(), "BBOX miny must not exceed maxy")
	}
	x0, y0, x1, y1 := c.arg(minX), c.arg(minY), c.arg(maxX), c.arg(maxY)
	if minX <= maxX {
		return fmt.Sprintf("ST_Intersects(%s, ST_MakeEnvelope(%s, %s, %s, %s, 4326))", sql, x0, y0, x1, y1), nil
	}
	return fmt.Sprintf("(ST_Intersects(%[1]s, ST_MakeEnvelope(%[2]s, %[3]s, 180, %[5]s, 4326))"+
		" OR ST_Intersects(%[1]s, ST_MakeEnvelope(-180, %[3]s, %[4]s, %[5]s, 4326)))", sql, x0, y0, x1, y1), nil
}

// arrayPred compiles A_CONTAINS and A_OVERLAPS of a string array property
// with an array of strings.
func (c *compiler) arrayPred(e *ArrayPred) (string, error) {
	if e.Op != "A_CONTAINS" && e.Op != "A_OVERLAPS" {
		return "", unsupportedAt(e.Pos(), e.Op)
	}
	prop, val, first, ok := propertyAndValue(e.A, e.B)
	if !ok {
		return "", unsupportedAt(e.Pos(), fmt.Sprintf("%s of %s and %s", e.Op, describe(e.A), describe(e.B)))
	}
	q, err := c.property(prop)
	if err != nil {
		return "", err
	}
	if q.Type != StringArray {
		return "", errorAt(prop.Pos(), "%s needs a string array, found property %s (%s)", e.Op, quote(prop.Name), q.Type)
	}
	arr, ok := val.(*ArrayLit)
	if !ok {
		return "", errorAt(val.Pos(), "%s needs an array literal, found %s", e.Op, describe(val))
	}
	values := make([]string, 0, len(arr.Elems))
	for _, el := range arr.Elems {
		s, ok := el.(*StringLit)
		if !ok {
			return "", unsupportedAt(el.Pos(), "an array element that is not a string")
		}
		values = append(values, s.Value)
	}
	ph := c.arg(values) + "::text[]"
	switch {
	case e.Op == "A_OVERLAPS":
		return q.SQL + " && " + ph, nil
	case first:
		return q.SQL + " @> " + ph, nil
	}
	return ph + " @> " + q.SQL, nil
}
