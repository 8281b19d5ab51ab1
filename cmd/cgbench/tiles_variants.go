package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

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
