package main

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/commonground/commonground/geo"
)

// R1 runs the server's own tile code in process (tiles.go, r1Stores), so
// no copy of its SQL lives here. What follows is R2's SQL only, on the
// server's parameters: $1, $2, $3 the tile (ST_TileEnvelope), $4 to $7 its
// buffered lon/lat search box (geo.Tile.BufferedBounds), and the MVT
// encoding of geo.TileExtent and geo.TileBuffer.
//
// rawPointsSQL is R2: every public location in the tile as a point feature
// carrying only the activity id, no aggregation and no other property.
const rawPointsSQL = `SELECT ST_AsMVT(t, 'points', 4096, 'geom', 'id') FROM (
	SELECT a.id, ST_AsMVTGeom(ST_Transform(l.point, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
	FROM activity_locations l JOIN activities a ON a.id = l.activity_id
	WHERE l.point && ST_MakeEnvelope($4, $5, $6, $7, 4326) AND a.visibility = 'public'
) t`

// rawPoints is R2 for t, for the public (what an anonymous viewer sees).
func rawPoints(ctx context.Context, pool *pgxpool.Pool, t geo.Tile) ([]byte, error) {
	box := t.BufferedBounds()
	var b []byte
	err := pool.QueryRow(ctx, rawPointsSQL, t.Z, t.X, t.Y, box.Min[0], box.Min[1], box.Max[0], box.Max[1]).Scan(&b)
	return b, err
}
