package postgis

import (
	"context"
	"fmt"
	"math"

	"github.com/commonground/commonground/geo"
)

// MVT geometry parameters: 4096 units per tile side, 64 units of buffer.
const (
	tileExtent = 4096
	tileBuffer = 64
	// maxTileFeatures caps the activities layer; a denser tile comes as
	// clusters instead of being cut short.
	maxTileFeatures = 5000
	// clusterCells is the number of grid cells per tile side.
	clusterCells = 32
	// webMercatorWidth is the width of the world in EPSG:3857 metres.
	webMercatorWidth = 40075016.685578488
)

// tileArgs adds z, x, y and returns the SQL of the tile envelope (3857),
// of the same with the buffer, and of the buffered envelope in 4326 for the
// GiST index on points.
func tileArgs(q *query, t geo.Tile) (env, buffered, env4326 string) {
	z, x, y := q.arg(t.Z), q.arg(t.X), q.arg(t.Y)
	env = fmt.Sprintf("ST_TileEnvelope(%s, %s, %s)", z, x, y)
	buffered = fmt.Sprintf("ST_TileEnvelope(%s, %s, %s, margin => %g)", z, x, y, float64(tileBuffer)/tileExtent)
	env4326 = "ST_Transform(" + buffered + ", 4326)"
	return env, buffered, env4326
}

// Tile renders the requested layers of one tile for v, with f applied
// inside every layer's query, as Mapbox Vector Tile bytes (empty when no
// layer has a feature). Layers must come from geo.TileLayers.
func (s *Store) Tile(ctx context.Context, v geo.Viewer, layers []string, t geo.Tile, f geo.ActivityFilter) ([]byte, error) {
	var out []byte
	for _, layer := range layers {
		var b []byte
		var err error
		switch layer {
		case geo.LayerActivities:
			b, err = s.activitiesLayer(ctx, v, t, f)
		case geo.LayerClusters:
			if t.Z <= geo.ClusterMaxZoom {
				b, err = s.clustersLayer(ctx, v, t, f)
			}
		case geo.LayerCountries:
			b, err = s.countriesLayer(ctx, v, t, f)
		case geo.LayerBasemap:
			b, err = s.basemapLayer(ctx, t)
		default:
			return nil, geo.Errorf(geo.ENotFound, "no tile layer %q", layer)
		}
		if err != nil {
			return nil, fmt.Errorf("postgis: tile %d/%d/%d %s: %w", t.Z, t.X, t.Y, layer, translate(err))
		}
		out = append(out, b...)
	}
	return out, nil
}

const activitiesLayerSQL = `SELECT ST_AsMVT(t, 'activities', %[1]d, 'geom', 'id') FROM (
	SELECT a.id, a.title, a.status, l.precision, l.kind, coalesce(l.country_code::text, '') AS country,
		coalesce(lo.name, '') AS organisation, coalesce(lo.constituency, '') AS constituency,
		coalesce((SELECT string_agg(theme_code, ',' ORDER BY theme_code) FROM activity_themes WHERE activity_id = a.id), '') AS themes,
		ST_AsMVTGeom(ST_Transform(l.point, 3857), %[2]s, %[1]d, %[3]d, true) AS geom
	FROM activity_locations l JOIN activities a ON a.id = l.activity_id
	LEFT JOIN LATERAL (SELECT o.name, o.constituency FROM activity_organisations ao JOIN organisations o ON o.id = ao.organisation_id
		WHERE ao.activity_id = a.id AND ao.role = 'lead') lo ON true
	WHERE l.point && %[4]s AND %[5]s
) t`

// activitiesLayer has one feature per location from zoom ClusterMaxZoom+1
// on (the feature id is the activity id, as in GeoJSON). A tile with more
// than maxTileFeatures locations comes as clusters instead.
func (s *Store) activitiesLayer(ctx context.Context, v geo.Viewer, t geo.Tile, f geo.ActivityFilter) ([]byte, error) {
	if t.Z <= geo.ClusterMaxZoom {
		return nil, nil
	}
	var q query
	env, _, env4326 := tileArgs(&q, t)
	if err := q.activities(v, f); err != nil {
		return nil, err
	}
	var n int
	countSQL := `SELECT count(*) FROM (SELECT 1 FROM activity_locations l JOIN activities a ON a.id = l.activity_id
		WHERE l.point && ` + env4326 + ` AND ` + q.sql() + ` LIMIT ` + fmt.Sprint(maxTileFeatures+1) + `) c`
	if err := s.pool.QueryRow(ctx, countSQL, q.args...).Scan(&n); err != nil {
		return nil, err
	}
	if n > maxTileFeatures {
		return s.clustersLayer(ctx, v, t, f)
	}
	var b []byte
	err := s.pool.QueryRow(ctx, fmt.Sprintf(activitiesLayerSQL, tileExtent, env, tileBuffer, env4326, q.sql()), q.args...).Scan(&b)
	return b, err
}

const clustersLayerSQL = `WITH pts AS (
	SELECT a.id, l.point, ST_SnapToGrid(ST_Transform(l.point, 3857), %[6]s) AS c, lo.organisation_id AS org, lo.constituency
	FROM activity_locations l JOIN activities a ON a.id = l.activity_id
	LEFT JOIN LATERAL (SELECT ao.organisation_id, o.constituency FROM activity_organisations ao
		JOIN organisations o ON o.id = ao.organisation_id WHERE ao.activity_id = a.id AND ao.role = 'lead') lo ON true
	WHERE l.point && %[4]s AND %[5]s
), cells AS (
	SELECT c, count(*) AS n, count(DISTINCT id) AS activities, count(DISTINCT org) AS organisations,
		ST_Extent(point) AS ext, ST_Centroid(ST_Collect(ST_Transform(point, 3857))) AS center
	FROM pts GROUP BY c
), themes AS (
	SELECT c, string_agg(theme_code, ',' ORDER BY k DESC, theme_code) AS top FROM (
		SELECT p.c, t.theme_code, count(*) AS k, row_number() OVER (PARTITION BY p.c ORDER BY count(*) DESC, t.theme_code) AS r
		FROM pts p JOIN activity_themes t ON t.activity_id = p.id GROUP BY p.c, t.theme_code) x
	WHERE r <= 3 GROUP BY c
), cons AS (
	SELECT c, string_agg(constituency, ',' ORDER BY k DESC, constituency) AS top FROM (
		SELECT c, constituency, count(*) AS k, row_number() OVER (PARTITION BY c ORDER BY count(*) DESC, constituency) AS r
		FROM pts WHERE constituency IS NOT NULL GROUP BY c, constituency) x
	WHERE r <= 3 GROUP BY c
)
SELECT ST_AsMVT(t, 'clusters', %[1]d, 'geom') FROM (
	SELECT cells.n AS count, cells.activities, cells.organisations, coalesce(themes.top, '') AS top_themes,
		coalesce(cons.top, '') AS top_constituencies,
		ST_XMin(ext) AS west, ST_YMin(ext) AS south, ST_XMax(ext) AS east, ST_YMax(ext) AS north,
		ST_AsMVTGeom(center, %[2]s, %[1]d, %[3]d, true) AS geom
	FROM cells LEFT JOIN themes ON themes.c = cells.c LEFT JOIN cons ON cons.c = cells.c
) t WHERE geom IS NOT NULL`

// clustersLayer aggregates the locations on a grid of clusterCells x
// clusterCells cells per tile: per cell the number of locations and of
// distinct activities and lead organisations, the three most frequent
// themes and lead constituencies, and the lon/lat extent to zoom to.
func (s *Store) clustersLayer(ctx context.Context, v geo.Viewer, t geo.Tile, f geo.ActivityFilter) ([]byte, error) {
	var q query
	env, _, env4326 := tileArgs(&q, t)
	if err := q.activities(v, f); err != nil {
		return nil, err
	}
	cell := q.arg(webMercatorWidth / math.Exp2(float64(t.Z)) / clusterCells)
	var b []byte
	err := s.pool.QueryRow(ctx, fmt.Sprintf(clustersLayerSQL, tileExtent, env, tileBuffer, env4326, q.sql(), cell+"::float8"), q.args...).Scan(&b)
	return b, err
}

const countriesLayerSQL = `WITH inside AS (
	SELECT c.id, c.iso_a2, c.name, c.region_code, c.geom_3857 FROM countries c WHERE c.geom_3857 && %[4]s
), m AS (%[5]s),
n AS (SELECT l.country_code, count(DISTINCT l.activity_id) AS activities, count(DISTINCT ao.organisation_id) AS members
	FROM m JOIN activity_locations l ON l.activity_id = m.id JOIN activity_organisations ao ON ao.activity_id = m.id
	WHERE l.country_code IN (SELECT iso_a2 FROM inside)
	GROUP BY l.country_code)
SELECT ST_AsMVT(t, 'countries', %[1]d, 'geom', 'id') FROM (
	SELECT i.id, i.iso_a2, i.name, coalesce(i.region_code::text, '') AS region_code,
		coalesce(n.activities, 0) AS activity_count, coalesce(n.members, 0) AS member_count,
		ST_AsMVTGeom(ST_SimplifyPreserveTopology(ST_ClipByBox2D(i.geom_3857, %[4]s), %[6]s), %[2]s, %[1]d, %[3]d, true) AS geom
	FROM inside i LEFT JOIN n ON n.country_code = i.iso_a2
) t WHERE geom IS NOT NULL`

// countriesLayer has each country's outline, simplified to about a pixel
// of the zoom, with the number of activities f selects for v located in it
// and their distinct organisations.
func (s *Store) countriesLayer(ctx context.Context, v geo.Viewer, t geo.Tile, f geo.ActivityFilter) ([]byte, error) {
	var q query
	env, buffered, _ := tileArgs(&q, t)
	tolerance := q.arg(webMercatorWidth / math.Exp2(float64(t.Z)) / tileExtent)
	m, err := q.matching(v, f)
	if err != nil {
		return nil, err
	}
	var b []byte
	err = s.pool.QueryRow(ctx, fmt.Sprintf(countriesLayerSQL, tileExtent, env, tileBuffer, buffered, m, tolerance+"::float8"), q.args...).Scan(&b)
	return b, err
}
