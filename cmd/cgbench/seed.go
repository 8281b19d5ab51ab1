package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"time"

	"github.com/jackc/pgx/v5"
)

func seedCmd(ctx context.Context, fs *flag.FlagSet, args []string) error {
	db := fs.String("db", "", "benchmark database URL (created if missing; on 127.0.0.1/localhost)")
	n := fs.Int("n", 100000, "number of activities wanted in all (demo + synthetic)")
	bin := fs.String("bin", "bin/commonground", "the commonground binary (runs migrate, load-reference, seed-demo)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *db == "" || *n < 1 || *n > 5_000_000 {
		return fmt.Errorf("-db is required and -n must be 1..5000000: %w", errUsage)
	}
	return seed(ctx, *db, *bin, *n)
}

// seededDatabase is the URL of the benchmark database of n activities
// (cg_bench_10k, ...) on the admin URL's server, created and seeded if it is
// not there yet.
func seededDatabase(ctx context.Context, admin, bin string, n int) (string, error) {
	db, err := withDatabase(admin, "cg_bench_"+sizeLabel(n))
	if err != nil {
		return "", err
	}
	return db, seed(ctx, db, bin, n)
}

// seed makes the database at db hold n activities: the demo alliance loaded
// by the real binary, then synthetic public point activities. It does
// nothing when n are already there.
func seed(ctx context.Context, db, bin string, n int) error {
	if err := localOnly(db); err != nil {
		return err
	}
	if err := ensureDatabase(ctx, db); err != nil {
		return err
	}
	have, err := activityCount(ctx, db)
	if err != nil {
		return err
	}
	if have >= n {
		log.Printf("seed: %d activities already, nothing to do", have)
		return nil
	}
	for _, step := range []string{"migrate", "load-reference", "seed-demo"} {
		if err := runBinary(ctx, bin, step, db); err != nil {
			return err
		}
	}
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	start := time.Now()
	added, err := synthesize(ctx, conn, n)
	if err != nil {
		return fmt.Errorf("seed: synthetic activities: %w", err)
	}
	if _, err := conn.Exec(ctx, `ANALYZE`); err != nil {
		return err
	}
	log.Printf("seed: added %d synthetic activities in %s (ANALYZE included)", added, time.Since(start).Round(time.Millisecond))
	return nil
}

// ensureDatabase creates the database db names, through the server's
// postgres database, unless it exists.
func ensureDatabase(ctx context.Context, db string) error {
	name, err := databaseName(db)
	if err != nil {
		return err
	}
	admin, err := withDatabase(db, "postgres")
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return fmt.Errorf("seed: connect to the postgres database: %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	log.Printf("seed: creating database %s", name)
	_, err = conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize())
	return err
}

// activityCount is the number of activities, 0 before the schema exists.
func activityCount(ctx context.Context, db string) (int, error) {
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass('activities') IS NOT NULL`).Scan(&exists); err != nil || !exists {
		return 0, err
	}
	var n int
	err = conn.QueryRow(ctx, `SELECT count(*) FROM activities`).Scan(&n)
	return n, err
}

func runBinary(ctx context.Context, bin, step, db string) error {
	start := time.Now()
	cmd := exec.CommandContext(ctx, bin, step)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+db, "COMMONGROUND_LOG_LEVEL=warn")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("seed: %s %s: %w", bin, step, err)
	}
	log.Printf("seed: %s %s: %s", bin, step, time.Since(start).Round(time.Millisecond))
	return nil
}

// synthesize adds public point activities until there are n in all, in one
// transaction, and returns how many it added.
func synthesize(ctx context.Context, conn *pgx.Conn, n int) (int, error) {
	var total, synthetic int
	err := conn.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE iati_identifier LIKE 'XB-BENCH-%') FROM activities`).
		Scan(&total, &synthetic)
	if err != nil || total >= n {
		return 0, err
	}
	first, last := synthetic+1, synthetic+n-total
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		for _, st := range synthSQL {
			var args []any
			if st.ranged {
				args = []any{first, last}
			}
			t := time.Now()
			if _, err := tx.Exec(ctx, st.sql, args...); err != nil {
				return fmt.Errorf("%s: %w", st.what, err)
			}
			log.Printf("seed: %s: %s", st.what, time.Since(t).Round(time.Millisecond))
		}
		return nil
	})
	return n - total, err
}
