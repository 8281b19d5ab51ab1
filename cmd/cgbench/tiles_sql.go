package main

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
)

// R1 runs the server's own tile code in process (tiles.go, r1Stores), so
// no copy of its SQL lives here. What follows is R2's SQL only, with the
// server's MVT geometry parameters, tile envelope and lon/lat search box
// (geo/postgis tileEnvelope, tileBox, tileLonLat).
const (
	tileExtent = 4096
	tileBuffer = 64
)

// rawPointsSQL is R2: every public location in the tile as a point feature
// carrying only the activity id, no aggregation and no other property.
const rawPointsSQL = `SELECT ST_AsMVT(t, 'points', %[1]d, 'geom', 'id') FROM (
	SELECT a.id, ST_AsMVTGeom(ST_Transform(l.point, 3857), %[2]s, %[1]d, %[3]d, true) AS geom
	FROM activity_locations l JOIN activities a ON a.id = l.activity_id
	WHERE l.point && %[4]s AND %[5]s
) t`

// tileQuery collects the WHERE conditions and their placeholders' values.
type tileQuery struct {
	where []string
	args  []any
}

func (q *tileQuery) arg(v any) string {
	q.args = append(q.args, v)
	return fmt.Sprintf("$%d", len(q.args))
}

func (q *tileQuery) sql() string { return strings.Join(q.where, "\n\tAND ") }

// tileEnvelope is geo/postgis tileEnvelope: z, x, y as ints, then the
// envelope (3857).
func (q *tileQuery) tileEnvelope(t tileAddr) string {
	return fmt.Sprintf("ST_TileEnvelope(%s, %s, %s)", q.arg(t.Z), q.arg(t.X), q.arg(t.Y))
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

// rawPoints is R2 for t, with the server's envelope and search box, for
// the public (what an anonymous viewer sees).
func rawPoints(ctx context.Context, pool *pgxpool.Pool, t tileAddr) ([]byte, error) {
	var q tileQuery
	env := q.tileEnvelope(t)
	box := q.tileBox(t)
	q.where = append(q.where, `a.visibility = 'public'`)
	var b []byte
	err := pool.QueryRow(ctx, fmt.Sprintf(rawPointsSQL, tileExtent, env, tileBuffer, box, q.sql()), q.args...).Scan(&b)
	return b, err
}
