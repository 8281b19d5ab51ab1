package postgis

import (
	"context"
	"errors"
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

// activitiesLayerSQL encodes up to maxTileFeatures+1 locations and counts
// them in the same scan; past maxTileFeatures the caller sends clusters.
const activitiesLayerSQL = `SELECT count(*), ST_AsMVT(t, 'activities', %[1]d, 'geom', 'id') FROM (
	SELECT a.id, a.title, a.status, l.precision, l.kind, coalesce(l.country_code::text, '') AS country,
		coalesce(lo.name, '') AS organisation, coalesce(lo.constituency, '') AS constituency,
		coalesce((SELECT string_agg(theme_code, ',' ORDER BY theme_code) FROM activity_themes WHERE activity_id = a.id), '') AS themes,
		ST_AsMVTGeom(ST_Transform(l.point, 3857), %[2]s, %[1]d, %[3]d, true) AS geom
	FROM activity_locations l JOIN activities a ON a.id = l.activity_id
	LEFT JOIN LATERAL (SELECT o.name, o.constituency FROM activity_organisations ao JOIN organisations o ON o.id = ao.organisation_id
		WHERE ao.activity_id = a.id AND ao.role = 'lead') lo ON true
	WHERE l.point && %[4]s AND %[5]s
	LIMIT %[6]d
) t`

// activitiesLayer has one feature per location from zoom ClusterMaxZoom+1
// on (the feature id is the activity id, as in GeoJSON). A tile with more
// than maxTileFeatures locations comes as clusters instead.
func (s *Store) activitiesLayer(ctx context.Context, v geo.Viewer, t geo.Tile, f geo.ActivityFilter) ([]byte, error) {
	if t.Z <= geo.ClusterMaxZoom {
		return nil, nil
	}
	var q query
	env, _ := tileEnvelope(&q, t)
	box := tileBox(&q, t)
	if err := q.activities(v, f); err != nil {
		return nil, err
	}
	var n int
	var b []byte
	err := s.pool.QueryRow(ctx, fmt.Sprintf(activitiesLayerSQL, tileExtent, env, tileBuffer, box, q.sql(), maxTileFeatures+1), q.args...).Scan(&n, &b)
	if err == nil && n > maxTileFeatures {
		return s.clustersLayer(ctx, v, t, f)
	}
	return b, err
}

// clusterCellsSQL aggregates a CTE pts (id, point, px, py: the point in
// EPSG:3857, cx, cy: its cell, org: the lead, constituency: the lead's)
// into one row per cell, as the CTE cellrows: the number of locations and
// of distinct activities and lead organisations, the three most frequent
// themes and lead constituencies, the lon/lat extent to zoom to and the
// mean position. Tiles computed per request and the precomputed
// tile_cells (RefreshTileAggregates) both use it, so they agree.
const clusterCellsSQL = `cells AS (
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
), cellrows AS (
	SELECT cells.cx, cells.cy, cells.n, cells.activities, cells.organisations, coalesce(themes.top, '') AS top_themes,
		coalesce(cons.top, '') AS top_constituencies, west, south, east, north, x, y
	FROM cells LEFT JOIN themes USING (cx, cy) LEFT JOIN cons USING (cx, cy)
)`

// clusterPointsSQL is the pts of clusterCellsSQL for the locations inside
// %[1]s (lon/lat) that pass %[2]s, on cells %[3]s (float8) metres a side,
// with the lead joined in the same scan.
const clusterPointsSQL = `SELECT l.activity_id AS id, l.point, ST_X(p) AS px, ST_Y(p) AS py,
		floor((ST_X(p) + 20037508.342789244) / %[3]s)::int AS cx,
		floor((ST_Y(p) + 20037508.342789244) / %[3]s)::int AS cy,
		ao.organisation_id AS org, o.constituency
	FROM activity_locations l JOIN activities a ON a.id = l.activity_id
	LEFT JOIN activity_organisations ao ON ao.activity_id = a.id AND ao.role = 'lead'
	LEFT JOIN organisations o ON o.id = ao.organisation_id
	CROSS JOIN LATERAL ST_Transform(l.point, 3857) p
	WHERE l.point && %[1]s AND %[2]s`

// clustersMVTSQL encodes the cells of %[4]s (cellrows or tile_cells)
// passing %[5]s as the clusters layer of the tile %[2]s; a cell is drawn
// at its mean position, and left out when that lies beyond the buffer.
const clustersMVTSQL = `SELECT ST_AsMVT(t, 'clusters', %[1]d, 'geom') FROM (
	SELECT n AS count, activities, organisations, top_themes, top_constituencies, west, south, east, north,
		ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(x, y), 3857), %[2]s, %[1]d, %[3]d, true) AS geom
	FROM %[4]s WHERE %[5]s ORDER BY cx, cy
) t WHERE geom IS NOT NULL`

// cellRange returns the clusters grid cells of a tile and of the ring of
// cells around it (cx from the west, cy from the south), the cells whose
// mean position may fall within the tile's buffer.
func cellRange(t geo.Tile) (cx0, cx1, cy0, cy1 int) {
	n := 1 << t.Z
	cx0 = t.X*clusterCells - 1
	cy0 = (n-1-t.Y)*clusterCells - 1
	return cx0, cx0 + clusterCells + 1, cy0, cy0 + clusterCells + 1
}

// cellSize is the side of a clusters grid cell at zoom z, in EPSG:3857
// metres.
func cellSize(z int) float64 { return webMercatorWidth / math.Exp2(float64(z)) / clusterCells }

// clustersLayer aggregates the locations on a world-wide grid of
// clusterCells x clusterCells cells per tile (cells line up across tiles),
// from tile_cells when the request can use them (RefreshTileAggregates),
// otherwise from the activities.
func (s *Store) clustersLayer(ctx context.Context, v geo.Viewer, t geo.Tile, f geo.ActivityFilter) ([]byte, error) {
	cx0, cx1, cy0, cy1 := cellRange(t)
	if t.Z <= geo.ClusterMaxZoom && aggregated(v, f) {
		var q query
		env, _ := tileEnvelope(&q, t)
		where := fmt.Sprintf("audience = 'public' AND z = %s AND cx BETWEEN %s AND %s AND cy BETWEEN %s AND %s",
			q.arg(t.Z), q.arg(cx0), q.arg(cx1), q.arg(cy0), q.arg(cy1))
		b, err := s.fresh(ctx, fmt.Sprintf(clustersMVTSQL, tileExtent, env, tileBuffer, "tile_cells", where), q.args)
		if !errors.Is(err, errNotFresh) {
			return b, err
		}
	}
	var q query
	env, _ := tileEnvelope(&q, t)
	// The box holds the tile and its ring of cells (and a little more, for
	// rounding); the cx/cy condition then keeps whole cells only.
	w, so, e, n := tileLonLat(t, 1.0/clusterCells+1.0/tileExtent)
	box := fmt.Sprintf("ST_MakeEnvelope(%s, %s, %s, %s, 4326)", q.arg(w), q.arg(so), q.arg(e), q.arg(n))
	if err := q.activities(v, f); err != nil {
		return nil, err
	}
	cell := q.arg(cellSize(t.Z)) + "::float8"
	pts := fmt.Sprintf(clusterPointsSQL, box, q.sql(), cell)
	inRange := fmt.Sprintf("cx BETWEEN %s AND %s AND cy BETWEEN %s AND %s", q.arg(cx0), q.arg(cx1), q.arg(cy0), q.arg(cy1))
	sql := "WITH pts AS (SELECT * FROM (" + pts + ") p WHERE " + inRange + "), " + clusterCellsSQL + "\n" +
		fmt.Sprintf(clustersMVTSQL, tileExtent, env, tileBuffer, "cellrows", "true")
	var b []byte
	err := s.pool.QueryRow(ctx, sql, q.args...).Scan(&b)
	return b, err
}

// aggregated reports whether a layer request can use the precomputed
// aggregates: they hold what the public sees, unfiltered.
func aggregated(v geo.Viewer, f geo.ActivityFilter) bool {
	return v.Kind == geo.Anonymous && f.Empty()
}

// fresh runs a layer query over the precomputed aggregates in the same
// snapshot as a check that they are of the current data version;
// errNotFresh when they are not.
func (s *Store) fresh(ctx context.Context, layerSQL string, args []any) ([]byte, error) {
	var ok bool
	var b []byte
	err := s.pool.QueryRow(ctx, `SELECT s.version = d.version, CASE WHEN s.version = d.version THEN (`+layerSQL+`) END
		FROM tile_aggregates_state s, data_version d`, args...).Scan(&ok, &b)
	if err == nil && !ok {
		return nil, errNotFresh
	}
	return b, err
}

// countriesLayerSQL, after "WITH" and any CTE it needs, draws the
// countries of %[2]s (columns country_id, geom: the outlines that touch
// the tile) as %[4]s (tile coordinates, from i.geom), with the counts of
// %[3]s (columns country_code, activities, members).
const countriesLayerSQL = `inside AS (
	SELECT c.id, c.iso_a2, c.name, c.region_code, sh.geom FROM (%[2]s) sh JOIN countries c ON c.id = sh.country_id
), n AS (%[3]s)
SELECT ST_AsMVT(t, 'countries', %[1]d, 'geom', 'id') FROM (
	SELECT i.id, i.iso_a2, i.name, coalesce(i.region_code::text, '') AS region_code,
		coalesce(n.activities, 0) AS activity_count, coalesce(n.members, 0) AS member_count,
		%[4]s AS geom
	FROM inside i LEFT JOIN n ON n.country_code = i.iso_a2
	ORDER BY i.id
) t WHERE geom IS NOT NULL`

// countryCountsSQL counts per country the activities of the CTE m and
// their distinct organisations (any role), for the countries in %[1]s.
const countryCountsSQL = `SELECT l.country_code, count(DISTINCT l.activity_id) AS activities, count(DISTINCT ao.organisation_id) AS members
	FROM m JOIN activity_locations l ON l.activity_id = m.id JOIN activity_organisations ao ON ao.activity_id = m.id
	WHERE %[1]s
	GROUP BY l.country_code`

// The countries layer's outlines: up to countryTilesMaxZoom ready-made
// tile geometry (country_tiles, migration 006), up to countryShapesMaxZoom
// outlines simplified for the zoom (country_shapes, migration 005), then
// the full outlines clipped and simplified per request.
const (
	countryTilesMaxZoom  = 6
	countryShapesMaxZoom = 9
)

// countryShapes returns the countries layer's outline source for t and the
// expression turning its geom into tile coordinates.
func countryShapes(q *query, t geo.Tile) (src, geom string) {
	if t.Z <= countryTilesMaxZoom {
		return fmt.Sprintf(`SELECT country_id, geom FROM country_tiles WHERE z = %s AND x = %s AND y = %s`,
			q.arg(t.Z), q.arg(t.X), q.arg(t.Y)), `i.geom`
	}
	env, buffered := tileEnvelope(q, t)
	mvtGeom := func(g string) string {
		return fmt.Sprintf("ST_AsMVTGeom(%s, %s, %d, %d, true)", g, env, tileExtent, tileBuffer)
	}
	if t.Z <= countryShapesMaxZoom {
		return `SELECT country_id, geom FROM country_shapes WHERE z = ` + q.arg(t.Z) + ` AND geom && ` + buffered,
			mvtGeom(`ST_ClipByBox2D(i.geom, ` + buffered + `)`)
	}
	tolerance := q.arg(webMercatorWidth / math.Exp2(float64(t.Z)) / tileExtent)
	return `SELECT id AS country_id, geom_3857 AS geom FROM countries WHERE geom_3857 && ` + buffered,
		mvtGeom(`ST_SimplifyPreserveTopology(ST_ClipByBox2D(i.geom, ` + buffered + `), ` + tolerance + `::float8)`)
}

// countriesLayer has each country's outline, simplified to about a pixel
// of the zoom, with the number of activities f selects for v located in it
// and their distinct organisations. Unfiltered public counts come from
// tile_country_counts while those are fresh.
func (s *Store) countriesLayer(ctx context.Context, v geo.Viewer, t geo.Tile, f geo.ActivityFilter) ([]byte, error) {
	if aggregated(v, f) {
		var q query
		src, geom := countryShapes(&q, t)
		counts := `SELECT country_code, activities, members FROM tile_country_counts WHERE audience = 'public'`
		b, err := s.fresh(ctx, "WITH "+fmt.Sprintf(countriesLayerSQL, tileExtent, src, counts, geom), q.args)
		if !errors.Is(err, errNotFresh) {
			return b, err
		}
	}
	var q query
	src, geom := countryShapes(&q, t)
	m, err := q.matching(v, f)
	if err != nil {
		return nil, err
	}
	counts := fmt.Sprintf(countryCountsSQL, "l.country_code IN (SELECT iso_a2 FROM inside)")
	var b []byte
	err = s.pool.QueryRow(ctx, "WITH m AS ("+m+"), "+fmt.Sprintf(countriesLayerSQL, tileExtent, src, counts, geom), q.args...).Scan(&b)
	return b, err
}
