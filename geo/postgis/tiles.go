package postgis

import (
	"context"
	"errors"
	"fmt"
	"slices"

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
// (the point in EPSG:3857), org (the lead), constituency (the lead's) and
// the activity's visibility, joined in the same scan.
const clusterPointsSQL = `SELECT l.activity_id AS id, l.point, ST_X(p) AS px, ST_Y(p) AS py,
		ao.organisation_id AS org, o.constituency, a.visibility
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

// cellIndexSQL is the cell column (cx or cy) of a Web Mercator coordinate
// on cells $12 metres a side; cellEdgeSQL the coordinate of a cell's west
// or south edge.
func cellIndexSQL(coord string) string {
	return `floor((` + coord + ` + 20037508.342789244) / $12::float8)::int`
}

func cellEdgeSQL(cell string) string { return `(` + cell + `) * $12::float8 - 20037508.342789244` }

// clustersDraftsSQL, then the viewer's drafts condition on a,
// clustersDraftsMid, the viewer's visibility condition on a and
// clustersDraftsEnd, is the clusters layer of tile $1, $2, $3 for a
// signed-in viewer (the parameters of clustersLayerSQL): the members'
// cells from tile_cells, but for the cells holding drafts the viewer sees,
// which are computed from the locations in them (found through each cell's
// lon/lat box and kept when their own cell is that cell). Rounded by
// freshSQL and freshEnd.
var (
	clustersDraftsSQL = `WITH dcells AS (
	SELECT cx, cy, ST_Expand(ST_Transform(ST_MakeEnvelope(` + cellEdgeSQL("cx") + `, ` + cellEdgeSQL("cy") + `,
		` + cellEdgeSQL("cx + 1") + `, ` + cellEdgeSQL("cy + 1") + `, 3857), 4326), 1e-9) AS box
	FROM (SELECT DISTINCT ` + cellIndexSQL("ST_X(p)") + ` AS cx, ` + cellIndexSQL("ST_Y(p)") + ` AS cy
		FROM activity_locations l JOIN activities a ON a.id = l.activity_id CROSS JOIN LATERAL ST_Transform(l.point, 3857) p
		WHERE l.point && ST_MakeEnvelope($4, $5, $6, $7, 4326) AND `
	clustersDraftsMid = `) c
	WHERE cx BETWEEN $8 AND $9 AND cy BETWEEN $10 AND $11
), pts AS (
	SELECT l.activity_id AS id, l.point, ST_X(p) AS px, ST_Y(p) AS py, dc.cx, dc.cy,
		ao.organisation_id AS org, o.constituency
	FROM dcells dc JOIN activity_locations l ON l.point && dc.box JOIN activities a ON a.id = l.activity_id
	LEFT JOIN activity_organisations ao ON ao.activity_id = a.id AND ao.role = 'lead'
	LEFT JOIN organisations o ON o.id = ao.organisation_id
	CROSS JOIN LATERAL ST_Transform(l.point, 3857) p
	WHERE ` + cellIndexSQL("ST_X(p)") + ` = dc.cx AND ` + cellIndexSQL("ST_Y(p)") + ` = dc.cy AND `
	clustersDraftsEnd = `
), ` + clusterCellsSQL + `
` + clustersMVTSQL + `(
	SELECT cx, cy, n, activities, organisations, top_themes, top_constituencies, west, south, east, north, x, y FROM cellrows
	UNION ALL
	SELECT cx, cy, n, activities, organisations, top_themes, top_constituencies, west, south, east, north, x, y FROM tile_cells
	WHERE audience = 'members' AND z = $1 AND cx BETWEEN $8 AND $9 AND cy BETWEEN $10 AND $11
		AND (cx, cy) NOT IN (SELECT cx, cy FROM dcells)
) c` + clustersMVTEnd
)

// clustersLayer aggregates the locations on a world-wide grid of
// geo.ClusterCells x geo.ClusterCells cells per tile (cells line up across
// tiles), from tile_cells when the request can use them
// (RefreshTileAggregates), otherwise from the activities.
func (s *Store) clustersLayer(ctx context.Context, v geo.Viewer, t geo.Tile, f geo.ActivityFilter) ([]byte, error) {
	cx0, cx1, cy0, cy1 := t.ClusterCellRange()
	if t.Z <= geo.ClusterMaxZoom && anonymousAggregated(v, f) {
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
	if t.Z <= geo.ClusterMaxZoom && signedInAggregated(v, f) {
		dq := query{args: slices.Clone(q.args)}
		drafts, visible := dq.draftsAndVisible(v)
		b, err := s.fresh(ctx, freshSQL+clustersDraftsSQL+drafts+clustersDraftsMid+visible+clustersDraftsEnd+freshEnd, dq.args)
		if !errors.Is(err, errNotFresh) {
			return b, err
		}
	}
	if err := q.activities(v, f); err != nil {
		return nil, err
	}
	var b []byte
	err := s.pool.QueryRow(ctx, clustersLayerSQL+q.sql()+clustersLayerEnd, q.args...).Scan(&b)
	return b, err
}

// anonymousAggregated reports whether a layer request can use the public's
// precomputed aggregates as they are: the public's, unfiltered.
func anonymousAggregated(v geo.Viewer, f geo.ActivityFilter) bool {
	return v.Kind == geo.Anonymous && f.Empty()
}

// signedInAggregated reports whether a layer request can use the members'
// precomputed aggregates, corrected for the drafts the viewer sees: a
// member's or the secretariat's, unfiltered.
func signedInAggregated(v geo.Viewer, f geo.ActivityFilter) bool {
	return (v.Kind == geo.Member || v.Kind == geo.Secretariat) && f.Empty()
}

// drafts returns the condition, on activities a, of the drafts v sees,
// its parameters added to q.
func (q *query) drafts(v geo.Viewer) string {
	d := query{args: q.args}
	d.and(`a.visibility = 'draft'`)
	if v.Kind != geo.Secretariat {
		d.and(d.takesPart(v.OrganisationID))
	}
	q.args = d.args
	return d.sql()
}

// draftsAndVisible returns, on activities a, the conditions of the drafts
// v sees and of everything v sees, their parameters added to q.
func (q *query) draftsAndVisible(v geo.Viewer) (drafts, visible string) {
	drafts = q.drafts(v)
	all := query{args: q.args}
	all.visible(v)
	q.args = all.args
	return drafts, all.sql()
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

// countriesDraftsSQL, then the viewer's drafts condition on a, and
// countriesDraftsEnd are the CTE n for a signed-in viewer: the members'
// counts from tile_country_counts plus the drafts the viewer sees. Drafts
// are not among the members' activities, so their number adds; their
// organisations add when the country has no members' activity of theirs.
const (
	countriesDraftsSQL = `, dx AS (
	SELECT l.country_code, l.activity_id, ao.organisation_id, EXISTS (
		SELECT FROM activity_organisations ko JOIN activities ka ON ka.id = ko.activity_id
		JOIN activity_locations kl ON kl.activity_id = ka.id
		WHERE ko.organisation_id = ao.organisation_id AND kl.country_code = l.country_code
			AND ka.visibility IN ('public', 'members')) AS known
	FROM activity_locations l JOIN activities a ON a.id = l.activity_id JOIN activity_organisations ao ON ao.activity_id = a.id
	WHERE l.country_code IN (SELECT iso_a2 FROM inside) AND `
	countriesDraftsEnd = `
), dn AS (
	SELECT country_code, count(DISTINCT activity_id) AS activities, count(DISTINCT organisation_id) FILTER (WHERE NOT known) AS members
	FROM dx GROUP BY country_code
), n AS MATERIALIZED (
	SELECT country_code, coalesce(t.activities, 0) + coalesce(dn.activities, 0) AS activities,
		coalesce(t.members, 0) + coalesce(dn.members, 0) AS members
	FROM (SELECT country_code, activities, members FROM tile_country_counts WHERE audience = 'members') t
	FULL JOIN dn USING (country_code)
)`
)

// countriesLayer has each country's outline, simplified to about a pixel
// of the zoom, with the number of activities f selects for v located in it
// and their distinct organisations. Unfiltered counts come from
// tile_country_counts while those are fresh (for a signed-in viewer, but
// in the countries holding drafts the viewer sees).
func (s *Store) countriesLayer(ctx context.Context, v geo.Viewer, t geo.Tile, f geo.ActivityFilter) ([]byte, error) {
	band, args := countryBandOf(t)
	if anonymousAggregated(v, f) {
		b, err := s.fresh(ctx, band.fresh, args)
		if !errors.Is(err, errNotFresh) {
			return b, err
		}
	}
	if signedInAggregated(v, f) {
		q := query{args: slices.Clone(args)}
		b, err := s.fresh(ctx, freshSQL+"WITH "+band.inside+countriesDraftsSQL+q.drafts(v)+countriesDraftsEnd+band.draw+freshEnd, q.args)
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
