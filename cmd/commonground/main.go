// Command commonground is CommonGround's server and operator tool.
//
//	commonground serve            serve the API and the web app
//	commonground migrate          apply pending database migrations
//	commonground load-reference   load countries, UN regions and places
//	commonground seed-demo        load the invented demo alliance
//	commonground create-admin --email ADDRESS [--name NAME] [--generate]
//	                              create a secretariat user
//
// Configuration comes from environment variables (see the README).
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/internal/dataload"
)

const usage = `usage: commonground <command>

commands:
  serve            serve the API and the web app (migrates first unless COMMONGROUND_MIGRATE_ON_START=false)
  migrate          apply pending database migrations
  load-reference   load countries, UN regions and GeoNames places (idempotent)
  seed-demo        load the invented demo alliance (idempotent; needs load-reference)
  create-admin     create a secretariat user: --email ADDRESS [--name NAME]; the password is
                   read from standard input (one line), or --generate prints a random one
`

// errUsage marks a command-line mistake: exit status 2.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, stop, os.Args[1:], os.Getenv, stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	stop()
	switch {
	case errors.Is(err, errUsage):
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	case err != nil:
		fmt.Fprintf(os.Stderr, "commonground: %v\n", err)
		os.Exit(1)
	}
}

// run executes one command. ctx ends on the first SIGINT/SIGTERM; stopSignals
// restores the default signal handling so a second signal ends the process
// at once during a drain.
func run(ctx context.Context, stopSignals func(), args []string, getenv func(string) string, std stdio) error {
	if len(args) == 0 || len(args) > 1 && args[0] != "create-admin" {
		return errUsage
	}
	cmd := args[0]
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		return errUsage
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	lw := newLogWriter(std.err)
	defer lw.Close()
	log := slog.New(flushHandler{slog.NewJSONHandler(lw, &slog.HandlerOptions{Level: cfg.LogLevel}), lw})
	switch cmd {
	case "serve":
		return serve(ctx, stopSignals, cfg, log)
	case "migrate", "load-reference", "seed-demo":
		// Batch work: the per-request statement timeout does not apply.
		cfg.StatementTimeout = 0
		return withStore(ctx, cfg, func(s *postgis.Store) error { return operate(ctx, cmd, s, log) })
	case "create-admin":
		return createAdmin(ctx, cfg, args[1:], std)
	}
	return fmt.Errorf("unknown command %q: %w", cmd, errUsage)
}

// operate runs one of the operator commands against a ready database.
func operate(ctx context.Context, cmd string, s *postgis.Store, log *slog.Logger) error {
	start := time.Now()
	switch cmd {
	case "migrate":
		from, to, err := s.Migrate(ctx)
		if err != nil {
			return err
		}
		log.Info("migrated", "from_version", from, "to_version", to, "duration_ms", time.Since(start).Milliseconds())
	case "load-reference":
		n, err := dataload.Reference(ctx, s)
		if err != nil {
			return err
		}
		log.Info("reference data loaded", "regions", n.Regions, "countries", n.Countries, "places", n.Places,
			"duration_ms", time.Since(start).Milliseconds())
	case "seed-demo":
		n, ds, err := dataload.Demo(ctx, s)
		if err != nil {
			return err
		}
		log.Info("demo data loaded", "organisations", n.Organisations, "programmes", n.Programmes,
			"activities", n.Activities, "locations", n.Locations, "deliberate_overlaps", len(ds.Overlaps),
			"duration_ms", time.Since(start).Milliseconds())
	}
	return nil
}

// withStore opens the store, waits up to the start-up timeout for the
// database to answer, and runs f.
func withStore(ctx context.Context, cfg config, f func(*postgis.Store) error) error {
	s, err := postgis.Open(ctx, cfg.store())
	if err != nil {
		return err
	}
	defer s.Close()
	wctx, cancel := context.WithTimeout(ctx, cfg.StartupTimeout)
	defer cancel()
	if err := s.WaitReady(wctx); err != nil {
		return err
	}
	return f(s)
}
