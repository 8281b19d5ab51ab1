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
	clusterCells = 16
	// webMercatorWidth is the width of the world in EPSG:3857 metres.
	webMercatorWidth = 40075016.685578488
)

// tileEnvelope adds z, x, y and returns the SQL of the tile envelope
// (3857) and of the same with the buffer.
func tileEnvelope(q *query, t geo.Tile) (env, buffered string) {
	z, x, y := q.arg(t.Z), q.arg(t.X), q.arg(t.Y)
	env = fmt.Sprintf("ST_TileEnvelope(%s, %s, %s)", z, x, y)
	buffered = fmt.Sprintf("ST_TileEnvelope(%s, %s, %s, margin => %g)", z, x, y, float64(tileBuffer)/tileExtent)
	return env, buffered
}

// tileBox adds the buffered tile's lon/lat box and returns its SQL, for
// the GiST indexes on points. It is computed here rather than by
// transforming the buffered envelope: at the first and last column the
// buffer crosses the antimeridian, and the transformed polygon's box would
// then cover the rest of the world instead (the buffer beyond ±180° is
// dropped).
func tileBox(q *query, t geo.Tile) string {
	w, s, e, n := tileLonLat(t, float64(tileBuffer)/tileExtent)
	return fmt.Sprintf("ST_MakeEnvelope(%s, %s, %s, %s, 4326)", q.arg(w), q.arg(s), q.arg(e), q.arg(n))
}

// tileLonLat returns a tile's lon/lat bounds grown by margin (a fraction
// of the tile), clamped to the world and Web Mercator's latitudes.
func tileLonLat(t geo.Tile, margin float64) (west, south, east, north float64) {
	n := math.Exp2(float64(t.Z))
	lon := func(x float64) float64 { return math.Max(-180, math.Min(180, x/n*360-180)) }
	lat := func(y float64) float64 {
		y = math.Max(0, math.Min(n, y))
		return math.Atan(math.Sinh(math.Pi*(1-2*y/n))) * 180 / math.Pi
	}
	x, y := float64(t.X), float64(t.Y)
	return lon(x - margin), lat(y + 1 + margin), lon(x + 1 + margin), lat(y - margin)
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
	var c query
	box := tileBox(&c, t)
	if err := c.activities(v, f); err != nil {
		return nil, err
	}
	var n int
	countSQL := `SELECT count(*) FROM (SELECT 1 FROM activity_locations l JOIN activities a ON a.id = l.activity_id
		WHERE l.point && ` + box + ` AND ` + c.sql() + ` LIMIT ` + fmt.Sprint(maxTileFeatures+1) + `) c`
	if err := s.pool.QueryRow(ctx, countSQL, c.args...).Scan(&n); err != nil {
		return nil, err
	}
	if n > maxTileFeatures {
		return s.clustersLayer(ctx, v, t, f)
	}
	var q query
	env, _ := tileEnvelope(&q, t)
	box = tileBox(&q, t)
	if err := q.activities(v, f); err != nil {
		return nil, err
	}
	var b []byte
	err := s.pool.QueryRow(ctx, fmt.Sprintf(activitiesLayerSQL, tileExtent, env, tileBuffer, box, q.sql()), q.args...).Scan(&b)
	return b, err
}

// clustersLayerSQL groups locations by integer cells of a world-wide grid
// in Web Mercator (%[6]s metres a side), so cells line up across tiles,
// with the lead joined in the same scan. Measured on 100k activities, a z2
// tile (40,000 locations): 0.3-0.5 s against 1.9 s for grouping snapped
// geometries with a per-location lateral join.
const clustersLayerSQL = `WITH pts AS (
	SELECT l.activity_id AS id, l.point, ST_X(p) AS px, ST_Y(p) AS py,
		floor((ST_X(p) + 20037508.342789244) / %[6]s)::int AS cx,
		floor((ST_Y(p) + 20037508.342789244) / %[6]s)::int AS cy,
		ao.organisation_id AS org, o.constituency
	FROM activity_locations l JOIN activities a ON a.id = l.activity_id
	LEFT JOIN activity_organisations ao ON ao.activity_id = a.id AND ao.role = 'lead'
	LEFT JOIN organisations o ON o.id = ao.organisation_id
	CROSS JOIN LATERAL ST_Transform(l.point, 3857) p
	WHERE l.point && %[4]s AND %[5]s
), cells AS (
	SELECT cx, cy, count(*) AS n, count(DISTINCT id) AS activities, count(DISTINCT org) AS organisations,
		min(ST_X(point)) AS west, min(ST_Y(point)) AS south, max(ST_X(point)) AS east, max(ST_Y(point)) AS north,
		avg(px) AS x, avg(py) AS y
	FROM pts GROUP BY cx, cy
), themes AS (
	SELECT cx, cy, string_agg(theme_code, ',' ORDER BY k DESC, theme_code) AS top FROM (
		SELECT p.cx, p.cy, t.theme_code, count(*) AS k, row_number() OVER (PARTITION BY p.cx, p.cy ORDER BY count(*) DESC, t.theme_code) AS r
		FROM pts p JOIN activity_themes t ON t.activity_id = p.id GROUP BY p.cx, p.cy, t.theme_code) x
	WHERE r <= 3 GROUP BY cx, cy
), cons AS (
	SELECT cx, cy, string_agg(constituency, ',' ORDER BY k DESC, constituency) AS top FROM (
		SELECT cx, cy, constituency, count(*) AS k, row_number() OVER (PARTITION BY cx, cy ORDER BY count(*) DESC, constituency) AS r
		FROM pts WHERE constituency IS NOT NULL GROUP BY cx, cy, constituency) x
	WHERE r <= 3 GROUP BY cx, cy
)
SELECT ST_AsMVT(t, 'clusters', %[1]d, 'geom') FROM (
	SELECT cells.n AS count, cells.activities, cells.organisations, coalesce(themes.top, '') AS top_themes,
		coalesce(cons.top, '') AS top_constituencies, west, south, east, north,
		ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(x, y), 3857), %[2]s, %[1]d, %[3]d, true) AS geom
	FROM cells LEFT JOIN themes USING (cx, cy) LEFT JOIN cons USING (cx, cy)
) t WHERE geom IS NOT NULL`

// clustersLayer aggregates the locations on a grid of clusterCells x
// clusterCells cells per tile: per cell the number of locations and of
// distinct activities and lead organisations, the three most frequent
// themes and lead constituencies, and the lon/lat extent to zoom to.
func (s *Store) clustersLayer(ctx context.Context, v geo.Viewer, t geo.Tile, f geo.ActivityFilter) ([]byte, error) {
	var q query
	env, _ := tileEnvelope(&q, t)
	env4326 := tileBox(&q, t)
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
	env, buffered := tileEnvelope(&q, t)
	tolerance := q.arg(webMercatorWidth / math.Exp2(float64(t.Z)) / tileExtent)
	m, err := q.matching(v, f)
	if err != nil {
		return nil, err
	}
	var b []byte
	err = s.pool.QueryRow(ctx, fmt.Sprintf(countriesLayerSQL, tileExtent, env, tileBuffer, buffered, m, tolerance+"::float8"), q.args...).Scan(&b)
	return b, err
}
