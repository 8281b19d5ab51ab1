package main

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
)

// The layer SQL below is copied verbatim from geo/postgis/tiles.go
// (activitiesLayerSQL, clustersLayerSQL, countriesLayerSQL and the
// constants), so R1 runs the server's own tile SQL with the same
// parameters; `cgbench tiles` checks before measuring that R1 decodes to the
// server's features.
const (
	tileExtent       = 4096
	tileBuffer       = 64
	maxTileFeatures  = 5000
	clusterCells     = 16
	webMercatorWidth = 40075016.685578488
	clusterMaxZoom   = 8
)

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

// rawPointsSQL is R2: every public location in the tile as a point feature
// carrying only the activity id, no aggregation and no other property.
const rawPointsSQL = `SELECT ST_AsMVT(t, 'points', %[1]d, 'geom', 'id') FROM (
	SELECT a.id, ST_AsMVTGeom(ST_Transform(l.point, 3857), %[2]s, %[1]d, %[3]d, true) AS geom
	FROM activity_locations l JOIN activities a ON a.id = l.activity_id
	WHERE l.point && %[4]s AND %[5]s
) t`

// tileQuery mirrors geo/postgis's query builder for an anonymous viewer:
// placeholders in the order the server adds them.
type tileQuery struct {
	where []string
	args  []any
}

// tileOpts: start and end are the cold filter's datetime ("" for none);
// the others select variants VA, VD, VG and VM.
type tileOpts struct {
	start, end                       string
	one, noCounts, outlines, minimal bool
}

func (q *tileQuery) arg(v any) string {
	q.args = append(q.args, v)
	return fmt.Sprintf("$%d", len(q.args))
}

func (q *tileQuery) sql() string { return strings.Join(q.where, "\n\tAND ") }

// tileEnvelope is geo/postgis tileEnvelope: z, x, y as ints, then the
// envelope and the buffered envelope (3857).
func (q *tileQuery) tileEnvelope(t tileAddr) (env, buffered string) {
	z, x, y := q.arg(t.Z), q.arg(t.X), q.arg(t.Y)
	env = fmt.Sprintf("ST_TileEnvelope(%s, %s, %s)", z, x, y)
	buffered = fmt.Sprintf("ST_TileEnvelope(%s, %s, %s, margin => %g)", z, x, y, float64(tileBuffer)/tileExtent)
	return env, buffered
}

// tileBox is geo/postgis tileBox: the buffered tile's lon/lat box as four
// float8 parameters.
func (q *tileQuery) tileBox(t tileAddr) string {
	w, s, e, n := tileLonLat(t, float64(tileBuffer)/tileExtent)
	return fmt.Sprintf("ST_MakeEnvelope(%s, %s, %s, %s, 4326)", q.arg(w), q.arg(s), q.arg(e), q.arg(n))
}

// tileLonLat is geo/postgis tileLonLat.
func tileLonLat(t tileAddr, margin float64) (west, south, east, north float64) {
	n := math.Exp2(float64(t.Z))
	lon := func(x float64) float64 { return math.Max(-180, math.Min(180, x/n*360-180)) }
	lat := func(y float64) float64 {
		y = math.Max(0, math.Min(n, y))
		return math.Atan(math.Sinh(math.Pi*(1-2*y/n))) * 180 / math.Pi
	}
	x, y := float64(t.X), float64(t.Y)
	return lon(x - margin), lat(y + 1 + margin), lon(x + 1 + margin), lat(y - margin)
}

// activities is what q.activities adds for an anonymous viewer and a filter
// that holds at most a datetime "start/end" (o.end "" for no filter).
func (q *tileQuery) activities(o tileOpts) {
	q.where = append(q.where, `a.visibility = 'public'`)
	if o.end != "" {
		q.where = append(q.where, `(a.start_date IS NOT NULL OR a.end_date IS NOT NULL) AND a.period && daterange(`+
			q.arg(o.start)+`::date, `+q.arg(o.end)+`::date, '[]')`)
	}
}

// rawTile runs the server's tile SQL for the layers of t (as Store.Tile
// does, layer after layer on the pool) and returns the concatenated MVT.
func rawTile(ctx context.Context, pool *pgxpool.Pool, layers []string, t tileAddr, o tileOpts) ([]byte, error) {
	var out []byte
	for _, layer := range layers {
		var b []byte
		var err error
		switch layer {
		case "activities":
			b, err = rawActivities(ctx, pool, t, o)
		case "clusters":
			if t.Z <= clusterMaxZoom {
				b, err = rawClusters(ctx, pool, t, o)
			}
		case "countries":
			b, err = rawCountries(ctx, pool, t, o)
		default:
			err = fmt.Errorf("layer %q not benchmarked", layer)
		}
		if err != nil {
			return nil, fmt.Errorf("R1 %s %s: %w", t, layer, err)
		}
		out = append(out, b...)
	}
	return out, nil
}

func rawActivities(ctx context.Context, pool *pgxpool.Pool, t tileAddr, o tileOpts) ([]byte, error) {
	if t.Z <= clusterMaxZoom {
		return nil, nil
	}
	var c tileQuery
	box := c.tileBox(t)
	c.activities(o)
	countSQL := `SELECT count(*) FROM (SELECT 1 FROM activity_locations l JOIN activities a ON a.id = l.activity_id
		WHERE l.point && ` + box + ` AND ` + c.sql() + ` LIMIT ` + fmt.Sprint(maxTileFeatures+1) + `) c`
	var q tileQuery
	env, _ := q.tileEnvelope(t)
	box = q.tileBox(t)
	q.activities(o)
	layerSQL := fmt.Sprintf(activitiesLayerSQL, tileExtent, env, tileBuffer, box, q.sql())
	if o.one {
		return oneStatement(ctx, pool, t, o, countSQL, c.args, layerSQL, q.args)
	}
	var n int
	if err := pool.QueryRow(ctx, countSQL, c.args...).Scan(&n); err != nil {
		return nil, err
	}
	if n > maxTileFeatures {
		return rawClusters(ctx, pool, t, o)
	}
	var b []byte
	err := pool.QueryRow(ctx, layerSQL, q.args...).Scan(&b)
	return b, err
}

func rawClusters(ctx context.Context, pool *pgxpool.Pool, t tileAddr, o tileOpts) ([]byte, error) {
	var q tileQuery
	env, _ := q.tileEnvelope(t)
	env4326 := q.tileBox(t)
	q.activities(o)
	cell := q.arg(webMercatorWidth / math.Exp2(float64(t.Z)) / clusterCells)
	layerSQL := clustersLayerSQL
	if o.minimal {
		layerSQL = minimalClustersSQL
	}
	var b []byte
	err := pool.QueryRow(ctx, fmt.Sprintf(layerSQL, tileExtent, env, tileBuffer, env4326, q.sql(), cell+"::float8"), q.args...).Scan(&b)
	return b, err
}

func rawCountries(ctx context.Context, pool *pgxpool.Pool, t tileAddr, o tileOpts) ([]byte, error) {
	var q tileQuery
	env, buffered := q.tileEnvelope(t)
	tolerance := q.arg(webMercatorWidth / math.Exp2(float64(t.Z)) / tileExtent)
	inner := tileQuery{args: q.args}
	inner.activities(o)
	q.args = inner.args
	m := `SELECT a.id FROM activities a WHERE ` + inner.sql()
	layerSQL := countriesLayerSQL
	if o.noCounts {
		layerSQL = withoutCounts
	}
	if o.outlines {
		layerSQL = withOutlines
	}
	var b []byte
	err := pool.QueryRow(ctx, fmt.Sprintf(layerSQL, tileExtent, env, tileBuffer, buffered, m, tolerance+"::float8"), q.args...).Scan(&b)
	return b, err
}

// rawPoints is R2 for t, with the server's envelope and search box.
func rawPoints(ctx context.Context, pool *pgxpool.Pool, t tileAddr) ([]byte, error) {
	var q tileQuery
	env, _ := q.tileEnvelope(t)
	env4326 := q.tileBox(t)
	q.activities(tileOpts{})
	var b []byte
	err := pool.QueryRow(ctx, fmt.Sprintf(rawPointsSQL, tileExtent, env, tileBuffer, env4326, q.sql()), q.args...).Scan(&b)
	return b, err
}
