package main

import (
	"context"
	"flag"
	"os"
)

// tilesAllCmd seeds each size, starts the warm server (tile cache on) and,
// once it has migrated the database, the cold one (the same binary and
// database with COMMONGROUND_TILE_CACHE_MB=0), both with
// COMMONGROUND_DB_JIT from -server-jit, runs `tiles` against them and
// stops them.
func tilesAllCmd(ctx context.Context, fs *flag.FlagSet, args []string) error {
	var cfg tileConfig
	sf := addSizedFlags(fs, "the commonground binary: seeds the databases and serves", "10000,100000,1000000")
	tileFlags(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if err := cfg.validateFlags(); err != nil {
		return err
	}
	ns, err := sf.parse()
	if err != nil {
		return err
	}
	var runs []tileRun
	for _, n := range ns {
		db, err := seededDatabase(ctx, *sf.admin, *sf.bin, n)
		if err != nil {
			return err
		}
		run, err := tilesOneSize(ctx, cfg, *sf.bin, db)
		runs = append(runs, run)
		printTileTables(os.Stderr, []tileRun{run}, cfg) // each size as soon as it is done (what there is, on failure)
		if err != nil {
			return err
		}
	}
	printTileTables(os.Stdout, runs, cfg)
	return nil
}

// tilesOneSize serves db twice, warm and cold, and measures.
func tilesOneSize(ctx context.Context, cfg tileConfig, bin, db string) (tileRun, error) {
	jit := "COMMONGROUND_DB_JIT=" + cfg.serverJIT
	warm, cold, stop, err := startWarmCold(ctx, bin, db, jit)
	if err != nil {
		return tileRun{}, err
	}
	defer stop()
	cfg.db, cfg.url, cfg.coldURL = db, warm, cold
	if err := cfg.validate(); err != nil {
		return tileRun{}, err
	}
	return measureTiles(ctx, cfg)
}
