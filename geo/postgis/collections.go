package postgis

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/commonground/commonground/geo"
)

// extentSQL computes each collection's extent over what the viewer sees
// ($-placeholders come from the visibility rule).
var extentSQL = map[string]string{
	"activities": `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), s, en FROM (
		SELECT ST_Extent(l.point) e, min(a.start_date)::timestamptz s, max(a.end_date)::timestamptz en
		FROM activities a JOIN activity_locations l ON l.activity_id = a.id WHERE %s) x`,
	"organisations": `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), NULL::timestamptz, NULL::timestamptz
		FROM (SELECT ST_Extent(hq) e FROM organisations) x`,
	"programmes": `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), s, en FROM (
		SELECT ST_Extent(l.point) e, min(a.start_date)::timestamptz s, max(a.end_date)::timestamptz en
		FROM activities a JOIN activity_locations l ON l.activity_id = a.id WHERE a.programme_id IS NOT NULL AND %s) x`,
	"countries": `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), NULL::timestamptz, NULL::timestamptz
		FROM (SELECT ST_Extent(geom) e FROM countries) x`,
}

// Extent returns the extent of a collection as v may see it.
func (s *Store) Extent(ctx context.Context, v geo.Viewer, collection string) (geo.Extent, error) {
	tmpl, ok := extentSQL[collection]
	if !ok {
		return geo.Extent{}, geo.Errorf(geo.ENotFound, "no collection %q", collection)
	}
	var q query
	q.visible(v)
	var minx, miny, maxx, maxy *float64
	var ext geo.Extent
	// Only the activities and programmes extents depend on visibility;
	// the others take no arguments.
	sql, args := tmpl, []any(nil)
	if collection == "activities" || collection == "programmes" {
		sql, args = fmt.Sprintf(tmpl, q.sql()), q.args
	}
	if err := s.pool.QueryRow(ctx, sql, args...).Scan(&minx, &miny, &maxx, &maxy, &ext.Start, &ext.End); err != nil {
		return geo.Extent{}, fmt.Errorf("postgis: extent of %s: %w", collection, translate(err))
	}
	if minx != nil {
		ext.BBox = &geo.BBox{MinLon: *minx, MinLat: *miny, MaxLon: *maxx, MaxLat: *maxy}
	}
	return ext, nil
}

// matching returns a CTE body selecting the ids of the activities f selects
// for v, with q collecting its arguments.
func (q *query) matching(v geo.Viewer, f geo.ActivityFilter) (string, error) {
	var inner query
	inner.args = q.args
	if err := inner.activities(v, f); err != nil {
		return "", err
	}
	q.args = inner.args
	return `SELECT a.id FROM activities a WHERE ` + inner.sql(), nil
}

// collectionQuery is the query skeleton the organisations, programmes and
// countries collections share: their items are selected by conditions of
// their own (sel, on the collection's table) and carry counts over the
// activities the rest of the filter selects (m).
type collectionQuery struct {
	query          // sel's conditions, then every argument of the page statement
	sel     string // the conjunction of the collection's own conditions
	counted int    // how many of args the count statement takes: sel's
	m       string // CTE body selecting the ids of the activities counted
	page    string // " LIMIT $i OFFSET $j"
}

// collectionStatements writes out a collection's two statements over c:
// count, the number of items c.sel selects (with sel's arguments only), and
// page, whose rows are (number matched, feature JSON) for the items c.sel
// selects, with the activities CTE c.m and ending in c.page. Either may add
// arguments of its own with c.arg.
type collectionStatements func(c *collectionQuery) (count, page string)

// collectionFeatures returns the page p of a collection: sel holds the
// collection's own conditions and their arguments, f (without the fields
// sel was made of) selects the activities counted for v, and statements
// writes the SQL. A page past the end has no rows, so the total is counted
// apart then. Errors name what.
func (s *Store) collectionFeatures(ctx context.Context, what string, sel query, v geo.Viewer, f geo.ActivityFilter, p geo.Page, statements collectionStatements) (geo.FeaturePage, error) {
	c := collectionQuery{query: sel, sel: sel.sql(), counted: len(sel.args)}
	m, err := c.matching(v, f)
	if err != nil {
		return geo.FeaturePage{}, err
	}
	c.m = m
	c.page = ` LIMIT ` + c.arg(p.Limit) + ` OFFSET ` + c.arg(p.Offset)
	countSQL, pageSQL := statements(&c)
	out := geo.FeaturePage{Features: []json.RawMessage{}}
	rows, err := s.pool.Query(ctx, pageSQL, c.args...)
	if err != nil {
		return out, fmt.Errorf("postgis: %s: %w", what, translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&out.NumberMatched, &b); err != nil {
			return out, fmt.Errorf("postgis: %s: %w", what, translate(err))
		}
		out.Features = append(out.Features, b)
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("postgis: %s: %w", what, translate(err))
	}
	if len(out.Features) == 0 {
		if err := s.pool.QueryRow(ctx, countSQL, c.args[:c.counted]...).Scan(&out.NumberMatched); err != nil {
			return out, fmt.Errorf("postgis: count %s: %w", what, translate(err))
		}
	}
	return out, nil
}

// collectionItem returns the feature of a one-item page asked for by id, or
// ENotFound naming the kind of item and id when the page is empty; err, when
// not nil, is returned as it is.
func collectionItem(page geo.FeaturePage, err error, kind string, id int64) (json.RawMessage, error) {
	if err != nil {
		return nil, err
	}
	if len(page.Features) == 0 {
		return nil, geo.Errorf(geo.ENotFound, "no %s %d", kind, id)
	}
	return page.Features[0], nil
}
