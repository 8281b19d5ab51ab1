package postgis

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/commonground/commonground/geo"
)

// aggregatesLock is the advisory lock key that lets one server at a time
// rebuild the tile aggregates.
const aggregatesLock = 0x636774696c6573 // "cgtiles"

// AggregatesRefresh says what RefreshTileAggregates did.
type AggregatesRefresh struct {
	Built    bool  // false: already fresh, or another server is building them
	Version  int64 // the data version they are of
	Cells    int   // tile_cells rows, all zooms
	Duration time.Duration
}

// RefreshTileAggregates rebuilds tile_cells and tile_country_counts (what
// the clusters and countries layers show the public, and every member,
// unfiltered, per zoom)
// from one snapshot of the data unless they are already of the current
// data version. Tile queries use them only while their version is the
// current one, so they are never stale, just unused until rebuilt. Watch
// calls it after every change; loaders call it so a new database starts
// with them.
func (s *Store) RefreshTileAggregates(ctx context.Context) (AggregatesRefresh, error) {
	var r AggregatesRefresh
	start := time.Now()
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return r, fmt.Errorf("postgis: tile aggregates: %w", translate(err))
	}
	defer conn.Release()
	var locked bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, int64(aggregatesLock)).Scan(&locked); err != nil {
		return r, fmt.Errorf("postgis: tile aggregates: %w", translate(err))
	}
	if !locked {
		return r, nil
	}
	defer func() {
		// A session lock outlives the transaction: release it even if ctx
		// has ended, or the pooled connection would keep it.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, err := conn.Exec(uctx, `SELECT pg_advisory_unlock($1)`, int64(aggregatesLock)); err != nil {
			conn.Conn().PgConn().Close(uctx) // drop the connection, and the lock with it
		}
	}()
	// REPEATABLE READ: every statement below sees the same snapshot, the
	// one whose data version is recorded.
	err = pgx.BeginTxFunc(ctx, conn, pgx.TxOptions{IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		return rebuildTileAggregates(ctx, tx, start, &r)
	})
	r.Duration = time.Since(start)
	if err != nil {
		return AggregatesRefresh{}, fmt.Errorf("postgis: tile aggregates: %w", translate(err))
	}
	return r, nil
}

// rebuildTileAggregates rebuilds the aggregates in tx unless they are of
// its snapshot's data version, and records the version and the time since
// start; r says what it did.
func rebuildTileAggregates(ctx context.Context, tx pgx.Tx, start time.Time, r *AggregatesRefresh) error {
	var built int64
	if err := tx.QueryRow(ctx, `SELECT d.version, s.version FROM data_version d, tile_aggregates_state s`).Scan(&r.Version, &built); err != nil {
		return err
	}
	if built == r.Version {
		return nil
	}
	r.Built = true
	// Statement timeouts are for requests; this runs in the background.
	if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
		return err
	}
	cells, err := buildTileCells(ctx, tx)
	if err != nil {
		return err
	}
	r.Cells = cells
	if err := buildCountryCounts(ctx, tx); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE tile_aggregates_state SET version = $1, built = now(), duration = $2`,
		r.Version, time.Since(start))
	return err
}

// tileCellsSQL inserts the public's cells of zoom $2, $1 metres a side,
// from the located points agg_pts.
const tileCellsSQL = `INSERT INTO tile_cells (audience, z, cx, cy, n, activities, organisations,
		top_themes, top_constituencies, west, south, east, north, x, y)
	WITH pts AS (
		SELECT id, point, px, py, floor((px + 20037508.342789244) / $1::float8)::int AS cx,
			floor((py + 20037508.342789244) / $1::float8)::int AS cy, org, constituency
		FROM agg_pts WHERE visibility = 'public'
	), ` + clusterCellsSQL + `
	SELECT 'public', $2, cx, cy, n, activities, organisations, top_themes, top_constituencies,
		west, south, east, north, x, y FROM cellrows`

// membersCellsSQL inserts the members' cells of zoom $2, $1 metres a side:
// the public's, but for the cells holding a members-only location, which
// are computed from every point of agg_pts in them.
const membersCellsSQL = `INSERT INTO tile_cells (audience, z, cx, cy, n, activities, organisations,
		top_themes, top_constituencies, west, south, east, north, x, y)
	WITH celled AS (
		SELECT id, point, px, py, floor((px + 20037508.342789244) / $1::float8)::int AS cx,
			floor((py + 20037508.342789244) / $1::float8)::int AS cy, org, constituency, visibility
		FROM agg_pts
	), changed AS (
		SELECT DISTINCT cx, cy FROM celled WHERE visibility <> 'public'
	), pts AS (
		SELECT * FROM celled WHERE (cx, cy) IN (SELECT cx, cy FROM changed)
	), ` + clusterCellsSQL + `
	SELECT 'members', $2, cx, cy, n, activities, organisations, top_themes, top_constituencies,
		west, south, east, north, x, y FROM cellrows
	UNION ALL
	SELECT 'members', z, cx, cy, n, activities, organisations, top_themes, top_constituencies,
		west, south, east, north, x, y FROM tile_cells t
	WHERE audience = 'public' AND z = $2 AND (cx, cy) NOT IN (SELECT cx, cy FROM changed)`

// audienceSQL is the condition on activities a of each precomputed
// audience.
var audienceSQL = map[string]string{"public": publicSQL, "members": membersSQL}

// buildTileCells replaces tile_cells, both audiences, every zoom up to
// geo.ClusterMaxZoom, and returns how many rows it wrote.
func buildTileCells(ctx context.Context, tx pgx.Tx) (int, error) {
	// The members' located points (the public's among them), once, in
	// EPSG:3857.
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE agg_pts ON COMMIT DROP AS `+clusterPointsSQL+
		`l.point && ST_MakeEnvelope(-180, -90, 180, 90, 4326) AND `+audienceSQL["members"]); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `ANALYZE agg_pts`); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM tile_cells`); err != nil {
		return 0, err
	}
	n := 0
	for z := 0; z <= geo.ClusterMaxZoom; z++ {
		for _, sql := range []string{tileCellsSQL, membersCellsSQL} {
			tag, err := tx.Exec(ctx, sql, geo.ClusterCellSize(z), z)
			if err != nil {
				return 0, fmt.Errorf("zoom %d: %w", z, err)
			}
			n += int(tag.RowsAffected())
		}
	}
	return n, nil
}

// buildCountryCounts replaces tile_country_counts, both audiences.
func buildCountryCounts(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `DELETE FROM tile_country_counts`); err != nil {
		return err
	}
	for _, aud := range []string{"public", "members"} {
		_, err := tx.Exec(ctx, `INSERT INTO tile_country_counts (audience, country_code, activities, members)
		WITH m AS (SELECT a.id FROM activities a WHERE `+audienceSQL[aud]+`) SELECT $1, country_code, activities, members FROM (`+
			countryCountsSQL+`l.country_code IS NOT NULL`+countryCountsEnd+`) n`, aud)
		if err != nil {
			return fmt.Errorf("%s: %w", aud, err)
		}
	}
	return nil
}
