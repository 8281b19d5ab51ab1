package main

import (
	"context"
	"flag"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"
)

func tilesAllCmd(ctx context.Context, fs *flag.FlagSet, args []string) error {
	var cfg tileConfig
	admin := fs.String("admin", "", "URL of the PostgreSQL server (any database); the benchmark databases are cg_bench_<size>")
	bin := fs.String("bin", "bin/commonground", "the commonground binary: seeds the databases and serves")
	sizes := fs.String("sizes", "10000,100000,1000000", "comma-separated numbers of activities")
	tileFlags(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	ns, err := parseSizes(*sizes)
	if err != nil {
		return err
	}
	var runs []tileRun
	for _, n := range ns {
		db, err := withDatabase(*admin, "cg_bench_"+sizeLabel(n))
		if err != nil {
			return err
		}
		if err := seed(ctx, db, *bin, n); err != nil {
			return err
		}
		cfg.db = db
		_, err = withServer(ctx, *bin, db, func(url string) ([]result, error) {
			cfg.url = url
			if err := cfg.validate(); err != nil {
				return nil, err
			}
			run, err := measureTiles(ctx, cfg)
			runs = append(runs, run)
			printTileTables(os.Stderr, []tileRun{run}, cfg) // each size as soon as it is done
			return nil, err
		})
		if err != nil {
			return err
		}
	}
	printTileTables(os.Stdout, runs, cfg)
	return nil
}

// tilePools: R1 with jit on (as the server runs it), R1 with jit off, and
// the variants' connections; all with the server's statement_timeout.
type tilePools struct{ on, off, wm, custom, customOff, outlines *pgxpool.Pool }

// openTilePools opens the pools; with extra also those of the variants
// (outlines: jit on, with variant VG's temporary table on each connection).
func openTilePools(ctx context.Context, db string, conns int, extra bool) (tilePools, error) {
	var ps tilePools
	for _, p := range []struct {
		pool                    **pgxpool.Pool
		jit, workMem, planCache string
		extra                   bool
	}{
		{&ps.on, "on", "4MB", "auto", false}, {&ps.off, "off", "4MB", "auto", false}, {&ps.wm, "off", "64MB", "auto", true},
		{&ps.custom, "on", "4MB", "force_custom_plan", true}, {&ps.customOff, "off", "4MB", "force_custom_plan", true},
		{&ps.outlines, "on", "4MB", "auto", true},
	} {
		if p.extra && !extra {
			continue
		}
		pc, err := pgxpool.ParseConfig(db)
		if err != nil {
			return ps, err
		}
		pc.MaxConns = int32(conns)
		pc.ConnConfig.RuntimeParams["statement_timeout"] = "5000"
		pc.ConnConfig.RuntimeParams["jit"] = p.jit
		pc.ConnConfig.RuntimeParams["work_mem"] = p.workMem
		pc.ConnConfig.RuntimeParams["plan_cache_mode"] = p.planCache
		if p.pool == &ps.outlines {
			pc.AfterConnect = makeOutlines
		}
		if *p.pool, err = pgxpool.NewWithConfig(ctx, pc); err != nil {
			ps.close()
			return ps, err
		}
	}
	return ps, nil
}

func (ps tilePools) close() {
	for _, p := range []*pgxpool.Pool{ps.on, ps.off, ps.wm, ps.custom, ps.customOff, ps.outlines} {
		if p != nil {
			p.Close()
		}
	}
}
