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
	sql := tmpl
	if collection == "activities" || collection == "programmes" {
		sql = fmt.Sprintf(tmpl, q.sql())
	}
	if err := s.pool.QueryRow(ctx, sql, q.args...).Scan(&minx, &miny, &maxx, &maxy, &ext.Start, &ext.End); err != nil {
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

// collectionPage runs a feature query whose rows are (number matched,
// feature JSON). A page past the end has no rows, so the total is counted
// apart then.
func (s *Store) collectionPage(ctx context.Context, what, sql, countSQL string, args []any, countArgs int) (geo.FeaturePage, error) {
	out := geo.FeaturePage{Features: []json.RawMessage{}}
	rows, err := s.pool.Query(ctx, sql, args...)
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
		if err := s.pool.QueryRow(ctx, countSQL, args[:countArgs]...).Scan(&out.NumberMatched); err != nil {
			return out, fmt.Errorf("postgis: count %s: %w", what, translate(err))
		}
	}
	return out, nil
}
