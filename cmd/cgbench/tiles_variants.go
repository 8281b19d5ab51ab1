package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// tileVariant is an alternative way of making a workload's tiles straight
// from PostgreSQL, measured like R1 (-variants). same says whether it must
// return R1's features (checked on the first tile).
type tileVariant struct {
	name, what string
	applies    func(w tileWorkload) bool
	run        func(ctx context.Context, ps tilePools, w tileWorkload, t tileAddr) ([]byte, error)
	same       bool
}

func (w tileWorkload) zoom() int { return w.tiles[0].Z }

var tileVariantList = []tileVariant{
	{name: "VW", what: "R1 on connections with jit = off and work_mem = 64MB (instead of jit = on, 4MB)", same: true,
		applies: func(tileWorkload) bool { return true },
		run: func(ctx context.Context, ps tilePools, w tileWorkload, t tileAddr) ([]byte, error) {
			return rawTile(ctx, ps.wm, w.layers, t, tileOpts{})
		}},
	{name: "VC", what: "R1 on connections with plan_cache_mode = force_custom_plan: no generic plan for the prepared tile statements (jit on)", same: true,
		applies: func(tileWorkload) bool { return true },
		run: func(ctx context.Context, ps tilePools, w tileWorkload, t tileAddr) ([]byte, error) {
			return rawTile(ctx, ps.custom, w.layers, t, tileOpts{})
		}},
	{name: "VCJ", what: "VC with jit = off", same: true,
		applies: func(tileWorkload) bool { return true },
		run: func(ctx context.Context, ps tilePools, w tileWorkload, t tileAddr) ([]byte, error) {
			return rawTile(ctx, ps.customOff, w.layers, t, tileOpts{})
		}},
	{name: "VD", what: "R1 with the countries layer's activity and member counts left out (all 0): what counting costs", same: false,
		applies: func(w tileWorkload) bool { return slices.Contains(w.layers, "countries") },
		run: func(ctx context.Context, ps tilePools, w tileWorkload, t tileAddr) ([]byte, error) {
			return rawTile(ctx, ps.on, w.layers, t, tileOpts{noCounts: true})
		}},
	{name: "VG", what: "R1 with the country outlines simplified once per zoom beforehand (a temporary table; the tile clips them) instead of clipped and simplified for every tile", same: false,
		applies: func(w tileWorkload) bool { return slices.Contains(w.layers, "countries") && w.zoom() <= 6 },
		run: func(ctx context.Context, ps tilePools, w tileWorkload, t tileAddr) ([]byte, error) {
			return rawTile(ctx, ps.outlines, w.layers, t, tileOpts{outlines: true})
		}},
	{name: "VM", what: "R1 with a minimal clusters layer: count, extent and centre per cell only (no distinct activities and organisations, no top themes or constituencies, no joins)", same: false,
		applies: func(w tileWorkload) bool { return slices.Contains(w.layers, "clusters") },
		run: func(ctx context.Context, ps tilePools, w tileWorkload, t tileAddr) ([]byte, error) {
			return rawTile(ctx, ps.on, w.layers, t, tileOpts{minimal: true})
		}},
	{name: "VA", what: "the activities layer's count and layer query in one statement (the layer as a scalar subquery run only when the count is at most 5,000)", same: true,
		applies: func(w tileWorkload) bool { return w.zoom() > clusterMaxZoom },
		run: func(ctx context.Context, ps tilePools, w tileWorkload, t tileAddr) ([]byte, error) {
			return rawTile(ctx, ps.on, w.layers, t, tileOpts{one: true})
		}},
	{name: "VV", what: "R1 preceded by the server's `SELECT version FROM data_version` (what a cold request costs PostgreSQL)", same: true,
		applies: func(w tileWorkload) bool { return w.zoom() > clusterMaxZoom },
		run: func(ctx context.Context, ps tilePools, w tileWorkload, t tileAddr) ([]byte, error) {
			var v int64
			if err := ps.on.QueryRow(ctx, `SELECT version FROM data_version`).Scan(&v); err != nil {
				return nil, err
			}
			return rawTile(ctx, ps.on, w.layers, t, tileOpts{})
		}},
}

// withoutCounts is countriesLayerSQL with n no longer joined (so never
// computed): every count comes out 0.
var withoutCounts = strings.Replace(countriesLayerSQL, "LEFT JOIN n ON n.country_code = i.iso_a2",
	"LEFT JOIN (SELECT ''::text AS country_code, 0::bigint AS activities, 0::bigint AS members) n ON false", 1)

// withOutlines is countriesLayerSQL reading VG's pre-simplified outlines
// (the tolerance parameter only kept in use).
var withOutlines = strings.NewReplacer(
	"SELECT c.id, c.iso_a2, c.name, c.region_code, c.geom_3857 FROM countries c WHERE c.geom_3857 && %[4]s",
	"SELECT c.id, c.iso_a2, c.name, c.region_code, o.geom AS geom_3857 FROM countries c JOIN pg_temp.country_outlines o ON o.id = c.id AND o.z = $1 WHERE o.geom && %[4]s AND %[6]s IS NOT NULL",
	"ST_SimplifyPreserveTopology(ST_ClipByBox2D(i.geom_3857, %[4]s), %[6]s)", "ST_ClipByBox2D(i.geom_3857, %[4]s)").Replace(countriesLayerSQL)

// makeOutlines makes VG's table on a new connection: each outline
// simplified to a pixel of zooms 2 and 6, as the server does per tile.
func makeOutlines(ctx context.Context, conn *pgx.Conn) error {
	_, err := conn.Exec(ctx, `CREATE TEMP TABLE country_outlines AS
		SELECT c.id, v.z, ST_SimplifyPreserveTopology(c.geom_3857, `+fmt.Sprint(webMercatorWidth)+` / 2 ^ v.z / `+fmt.Sprint(tileExtent)+`) AS geom
		FROM countries c CROSS JOIN (VALUES (2), (6)) v(z) WHERE c.geom_3857 IS NOT NULL;
		CREATE INDEX ON country_outlines USING gist (geom);
		ANALYZE country_outlines`)
	return err
}

// minimalClustersSQL is VM: the server's grid, but only what needs no join.
const minimalClustersSQL = `WITH pts AS (
	SELECT l.point, ST_X(p) AS px, ST_Y(p) AS py,
		floor((ST_X(p) + 20037508.342789244) / %[6]s)::int AS cx,
		floor((ST_Y(p) + 20037508.342789244) / %[6]s)::int AS cy
	FROM activity_locations l JOIN activities a ON a.id = l.activity_id
	CROSS JOIN LATERAL ST_Transform(l.point, 3857) p
	WHERE l.point && %[4]s AND %[5]s
), cells AS (
	SELECT cx, cy, count(*) AS n,
		min(ST_X(point)) AS west, min(ST_Y(point)) AS south, max(ST_X(point)) AS east, max(ST_Y(point)) AS north,
		avg(px) AS x, avg(py) AS y
	FROM pts GROUP BY cx, cy
)
SELECT ST_AsMVT(t, 'clusters', %[1]d, 'geom') FROM (
	SELECT n AS count, west, south, east, north,
		ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(x, y), 3857), %[2]s, %[1]d, %[3]d, true) AS geom
	FROM cells
) t WHERE geom IS NOT NULL`

// oneStatement is variant VA: count and layer in one round trip; clusters
// when the tile holds too many locations, as the server does.
// The layer query's placeholders follow the count query's.
func oneStatement(ctx context.Context, pool *pgxpool.Pool, t tileAddr, o tileOpts, countSQL string, countArgs []any,
	layerSQL string, layerArgs []any) ([]byte, error) {
	var over bool
	var b []byte
	shifted := regexp.MustCompile(`\$(\d+)`).ReplaceAllStringFunc(layerSQL, func(p string) string {
		k, _ := strconv.Atoi(p[1:])
		return "$" + strconv.Itoa(k+len(countArgs))
	})
	sql := fmt.Sprintf(`SELECT k.n > %d, CASE WHEN k.n > %d THEN NULL ELSE (%s) END FROM (%s) k(n)`,
		maxTileFeatures, maxTileFeatures, shifted, countSQL)
	args := append(append([]any{}, countArgs...), layerArgs...)
	if err := pool.QueryRow(ctx, sql, args...).Scan(&over, &b); err != nil {
		return nil, err
	}
	if over {
		return rawClusters(ctx, pool, t, o)
	}
	return b, nil
}

// tileVariants returns the variants' paths for w after checking, on one
// tile each, that those meant to agree with R1 do.
func tileVariants(ctx context.Context, ps tilePools, w tileWorkload) ([]tileDo, error) {
	var out []tileDo
	for _, v := range tileVariantList {
		if !v.applies(w) {
			continue
		}
		if v.same {
			for _, t := range w.tiles {
				want, err := rawTile(ctx, ps.on, w.layers, t, tileOpts{})
				got, err2 := v.run(ctx, ps, w, t)
				if err := errors.Join(sqlErr(err), sqlErr(err2)); errors.Is(err, errTimeout) {
					continue // try the next tile
				} else if err != nil {
					return nil, err
				}
				if err := sameTile(want, got); err != nil {
					return nil, fmt.Errorf("%s, tile %s: %w", v.name, t, err)
				}
				break
			}
		}
		out = append(out, tileDo{v.name, func(ctx context.Context, c, i int, tp *tilePath) (int, error) {
			b, err := v.run(ctx, ps, w, w.pick(c, i))
			return len(b), sqlErr(err)
		}})
	}
	return out, nil
}
