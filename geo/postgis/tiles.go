package postgis

import (
	"context"
	"errors"
	"fmt"

	"github.com/commonground/commonground/geo"
)

// The statements write out the MVT encoding (geo.TileExtent 4096 units,
// geo.TileBuffer 64 of buffer, margin => 0.015625 being 64/4096) and the
// activities layer's cap (LIMIT maxTileFeatures+1, 5001) as literal
// numbers; TestTileSQLConstants holds them to these constants.
const (
	tileExtent = geo.TileExtent
	// maxTileFeatures caps the activities layer; a denser tile comes as
	// clusters instead of being cut short.
	maxTileFeatures = 5000
)

// tileArgs are the parameters the activities and basemap statements start
// with, with room for extra more: $1, $2, $3 the tile's z, x, y
// (ST_TileEnvelope($1, $2, $3), as in every tile statement), then $4 to
// $7 the buffered tile's lon/lat box (ST_MakeEnvelope($4, $5, $6, $7,
// 4326)), for the GiST indexes on points. The box is computed in Go rather than by
// transforming the buffered envelope: at the first and last column the
// buffer crosses the antimeridian, and the transformed polygon's box would
// then cover the rest of the world instead (geo.Tile.Bounds drops the
// buffer beyond ±180°).
func tileArgs(t geo.Tile, extra int) []any {
	b := t.BufferedBounds()
	args := make([]any, 0, 7+extra)
	return append(args, t.Z, t.X, t.Y, b.Min[0], b.Min[1], b.Max[0], b.Max[1])
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

// activitiesLayerSQL, then the filter's conditions on a and l and
// activitiesLayerEnd, encodes up to maxTileFeatures+1 locations of the
// tile (tileArgs) and counts them in the same scan; past maxTileFeatures
// the caller sends clusters.
const activitiesLayerSQL = `SELECT count(*), ST_AsMVT(t, '` + geo.LayerActivities + `', 4096, 'geom', 'id') FROM (
	SELECT a.id, a.title, a.status, l.precision, l.kind, coalesce(l.country_code::text, '') AS country,
		coalesce(lo.name, '') AS organisation, coalesce(lo.constituency, '') AS constituency,
		coalesce((SELECT string_agg(theme_code, ',' ORDER BY theme_code) FROM activity_themes WHERE activity_id = a.id), '') AS themes,
		ST_AsMVTGeom(ST_Transform(l.point, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
	FROM activity_locations l JOIN activities a ON a.id = l.activity_id
	LEFT JOIN LATERAL (SELECT o.name, o.constituency FROM activity_organisations ao JOIN organisations o ON o.id = ao.organisation_id
		WHERE ao.activity_id = a.id AND ao.role = 'lead') lo ON true
	WHERE l.point && ST_MakeEnvelope($4, $5, $6, $7, 4326) AND `

const activitiesLayerEnd = `
	LIMIT 5001
) t`

// activitiesLayer has one feature per location from zoom
// geo.ActivitiesMinZoom on (the feature id is the activity id, as in
// GeoJSON). A tile with more than maxTileFeatures locations comes as
// clusters instead.
func (s *Store) activitiesLayer(ctx context.Context, v geo.Viewer, t geo.Tile, f geo.ActivityFilter) ([]byte, error) {
	if t.Z < geo.ActivitiesMinZoom {
		return nil, nil
	}
	q := query{args: tileArgs(t, 0)}
	if err := q.activities(v, f); err != nil {
		return nil, err
	}
	var n int
	var b []byte
	err := s.pool.QueryRow(ctx, activitiesLayerSQL+q.sql()+activitiesLayerEnd, q.args...).Scan(&n, &b)
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

// clusterPointsSQL, then conditions on a and l, selects the located
// points of clusterCellsSQL's pts but for their cells: id, point, px, py
// (the point in EPSG:3857), org (the lead) and constituency (the lead's),
// joined in the same scan.
const clusterPointsSQL = `SELECT l.activity_id AS id, l.point, ST_X(p) AS px, ST_Y(p) AS py,
		ao.organisation_id AS org, o.constituency
	FROM activity_locations l JOIN activities a ON a.id = l.activity_id
	LEFT JOIN activity_organisations ao ON ao.activity_id = a.id AND ao.role = 'lead'
	LEFT JOIN organisations o ON o.id = ao.organisation_id
	CROSS JOIN LATERAL ST_Transform(l.point, 3857) p
	WHERE `

// clustersMVTSQL, then the cells' source (cellrows or tile_cells) and
// clustersMVTEnd, encodes the cells as the clusters layer of the tile $1,
// $2, $3; a cell is drawn at its mean position, and left out when that
// lies beyond the buffer.
const clustersMVTSQL = `SELECT ST_AsMVT(t, '` + geo.LayerClusters + `', 4096, 'geom') FROM (
	SELECT n AS count, activities, organisations, top_themes, top_constituencies, west, south, east, north,
		ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(x, y), 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
	FROM `

const clustersMVTEnd = ` ORDER BY cx, cy
) t WHERE geom IS NOT NULL`

// freshSQL and freshEnd round a layer statement over the precomputed
// aggregates with a check, in the same snapshot, that they are of the
// current data version (Store.fresh).
const (
	freshSQL = `SELECT s.version = d.version, CASE WHEN s.version = d.version THEN (`
	freshEnd = `) END
		FROM tile_aggregates_state s, data_version d`
)

// clustersFreshSQL is the clusters layer of tile $1, $2, $3 from
// tile_cells, the cells $4 to $5 (cx) by $6 to $7 (cy).
const clustersFreshSQL = freshSQL + clustersMVTSQL +
	`tile_cells WHERE audience = 'public' AND z = $1 AND cx BETWEEN $4 AND $5 AND cy BETWEEN $6 AND $7` +
	clustersMVTEnd + freshEnd

// clustersLayerSQL, then the filter's conditions on a and l and
// clustersLayerEnd, is the clusters layer of tile $1, $2, $3 computed from
// the locations in the lon/lat box $4 to $7, on cells $12 metres a side,
// the cells $8 to $9 (cx) by $10 to $11 (cy).
const clustersLayerSQL = `WITH pts AS (
	SELECT * FROM (
		SELECT id, point, px, py, floor((px + 20037508.342789244) / $12::float8)::int AS cx,
			floor((py + 20037508.342789244) / $12::float8)::int AS cy, org, constituency
		FROM (` + clusterPointsSQL + `l.point && ST_MakeEnvelope($4, $5, $6, $7, 4326) AND `

const clustersLayerEnd = `) located
	) celled WHERE cx BETWEEN $8 AND $9 AND cy BETWEEN $10 AND $11
), ` + clusterCellsSQL + `
` + clustersMVTSQL + `cellrows` + clustersMVTEnd

// clustersLayer aggregates the locations on a world-wide grid of
// geo.ClusterCells x geo.ClusterCells cells per tile (cells line up across
// tiles), from tile_cells when the request can use them
// (RefreshTileAggregates), otherwise from the activities.
func (s *Store) clustersLayer(ctx context.Context, v geo.Viewer, t geo.Tile, f geo.ActivityFilter) ([]byte, error) {
	cx0, cx1, cy0, cy1 := t.ClusterCellRange()
	if t.Z <= geo.ClusterMaxZoom && aggregated(v, f) {
		b, err := s.fresh(ctx, clustersFreshSQL, []any{t.Z, t.X, t.Y, cx0, cx1, cy0, cy1})
		if !errors.Is(err, errNotFresh) {
			return b, err
		}
	}
	// The box holds the tile and its ring of cells (and a little more, for
	// rounding); the cx/cy condition then keeps whole cells only.
	box := t.Bounds(1.0/geo.ClusterCells + 1.0/tileExtent)
	q := query{args: []any{t.Z, t.X, t.Y, box.Min[0], box.Min[1], box.Max[0], box.Max[1],
		cx0, cx1, cy0, cy1, geo.ClusterCellSize(t.Z)}}
	if err := q.activities(v, f); err != nil {
		return nil, err
	}
	var b []byte
	err := s.pool.QueryRow(ctx, clustersLayerSQL+q.sql()+clustersLayerEnd, q.args...).Scan(&b)
	return b, err
}

// aggregated reports whether a layer request can use the precomputed
// aggregates: they hold what the public sees, unfiltered.
func aggregated(v geo.Viewer, f geo.ActivityFilter) bool {
	return v.Kind == geo.Anonymous && f.Empty()
}

// fresh runs a statement over the precomputed aggregates, rounded by
// freshSQL and freshEnd; errNotFresh when they are not of the current data
// version.
func (s *Store) fresh(ctx context.Context, sql string, args []any) ([]byte, error) {
	var ok bool
	var b []byte
	err := s.pool.QueryRow(ctx, sql, args...).Scan(&ok, &b)
	if err == nil && !ok {
		return nil, errNotFresh
	}
	return b, err
}

// countriesInsideSQL, then the outlines touching tile $1, $2, $3 (columns
// country_id, geom) and countriesInsideEnd, is the CTE inside: those
// countries with their outlines.
const (
	countriesInsideSQL = `inside AS (
	SELECT c.id, c.iso_a2, c.name, c.region_code, sh.geom FROM (`
	countriesInsideEnd = `) sh JOIN countries c ON c.id = sh.country_id
)`
)

// countriesDrawSQL, then the expression turning i.geom into tile
// coordinates and countriesDrawEnd, draws the countries of inside with the
// counts of the CTE n (columns country_code, activities, members).
const (
	countriesDrawSQL = `
SELECT ST_AsMVT(t, '` + geo.LayerCountries + `', 4096, 'geom', 'id') FROM (
	SELECT i.id, i.iso_a2, i.name, coalesce(i.region_code::text, '') AS region_code,
		coalesce(n.activities, 0) AS activity_count, coalesce(n.members, 0) AS member_count,
		`
	countriesDrawEnd = ` AS geom
	FROM inside i LEFT JOIN n ON n.country_code = i.iso_a2
	ORDER BY i.id
) t WHERE geom IS NOT NULL`
)

// countryCountsSQL, then a condition on l and countryCountsEnd, counts per
// country the activities of the CTE m and their distinct organisations
// (any role).
const (
	countryCountsSQL = `SELECT l.country_code, count(DISTINCT l.activity_id) AS activities, count(DISTINCT ao.organisation_id) AS members
	FROM m JOIN activity_locations l ON l.activity_id = m.id JOIN activity_organisations ao ON ao.activity_id = m.id
	WHERE `
	countryCountsEnd = `
	GROUP BY l.country_code`
)

// publicCountsSQL is the CTE n of the unfiltered public counts, and
// insideCountsSQL that of the activities of m in the countries of inside.
const (
	publicCountsSQL = `, n AS (SELECT country_code, activities, members FROM tile_country_counts WHERE audience = 'public')`
	insideCountsSQL = `, n AS (` + countryCountsSQL + `l.country_code IN (SELECT iso_a2 FROM inside)` + countryCountsEnd + `)`
)

// The countries layer's outlines: up to countryTilesMaxZoom ready-made
// tile geometry (country_tiles, migration 006), up to countryShapesMaxZoom
// outlines simplified for the zoom (country_shapes, migration 005), then
// the full outlines clipped and simplified per request, to $4 metres.
const (
	countryTilesMaxZoom  = 6
	countryShapesMaxZoom = 9

	countriesFromTiles = countriesInsideSQL +
		`SELECT country_id, geom FROM country_tiles WHERE z = $1 AND x = $2 AND y = $3` + countriesInsideEnd
	countriesDrawTiles = countriesDrawSQL + `i.geom` + countriesDrawEnd

	countriesFromShapes = countriesInsideSQL +
		`SELECT country_id, geom FROM country_shapes WHERE z = $1 AND geom && ST_TileEnvelope($1, $2, $3, margin => 0.015625)` +
		countriesInsideEnd
	countriesDrawShapes = countriesDrawSQL +
		`ST_AsMVTGeom(ST_ClipByBox2D(i.geom, ST_TileEnvelope($1, $2, $3, margin => 0.015625)), ST_TileEnvelope($1, $2, $3), 4096, 64, true)` +
		countriesDrawEnd

	countriesFromFull = countriesInsideSQL +
		`SELECT id AS country_id, geom_3857 AS geom FROM countries WHERE geom_3857 && ST_TileEnvelope($1, $2, $3, margin => 0.015625)` +
		countriesInsideEnd
	countriesDrawFull = countriesDrawSQL +
		`ST_AsMVTGeom(ST_SimplifyPreserveTopology(ST_ClipByBox2D(i.geom, ST_TileEnvelope($1, $2, $3, margin => 0.015625)), $4::float8), ST_TileEnvelope($1, $2, $3), 4096, 64, true)` +
		countriesDrawEnd
)

// countryBand is the countries layer at a range of zooms: the CTE inside,
// the final SELECT, and the statement over the public counts for fresh.
type countryBand struct {
	inside, draw, fresh string
}

var (
	countriesTiles = countryBand{countriesFromTiles, countriesDrawTiles,
		freshSQL + `WITH ` + countriesFromTiles + publicCountsSQL + countriesDrawTiles + freshEnd}
	countriesShapes = countryBand{countriesFromShapes, countriesDrawShapes,
		freshSQL + `WITH ` + countriesFromShapes + publicCountsSQL + countriesDrawShapes + freshEnd}
	countriesFull = countryBand{countriesFromFull, countriesDrawFull,
		freshSQL + `WITH ` + countriesFromFull + publicCountsSQL + countriesDrawFull + freshEnd}
)

// countryBandOf returns the band of t and the parameters its statements
// start with: z, x, y, and for the full outlines the simplification
// tolerance, about a pixel.
func countryBandOf(t geo.Tile) (countryBand, []any) {
	switch {
	case t.Z <= countryTilesMaxZoom:
		return countriesTiles, []any{t.Z, t.X, t.Y}
	case t.Z <= countryShapesMaxZoom:
		return countriesShapes, []any{t.Z, t.X, t.Y}
	}
	return countriesFull, []any{t.Z, t.X, t.Y, geo.TileSize(t.Z) / tileExtent}
}

// countriesLayer has each country's outline, simplified to about a pixel
// of the zoom, with the number of activities f selects for v located in it
// and their distinct organisations. Unfiltered public counts come from
// tile_country_counts while those are fresh.
func (s *Store) countriesLayer(ctx context.Context, v geo.Viewer, t geo.Tile, f geo.ActivityFilter) ([]byte, error) {
	band, args := countryBandOf(t)
	if aggregated(v, f) {
		b, err := s.fresh(ctx, band.fresh, args)
		if !errors.Is(err, errNotFresh) {
			return b, err
		}
	}
	q := query{args: args}
	m, err := q.matching(v, f)
	if err != nil {
		return nil, err
	}
	var b []byte
	err = s.pool.QueryRow(ctx, "WITH m AS ("+m+"), "+band.inside+insideCountsSQL+band.draw, q.args...).Scan(&b)
	return b, err
}
