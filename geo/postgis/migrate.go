package postgis

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/jackc/tern/v2/migrate"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/migrations"
)

// versionTable is where tern records the applied migration.
const versionTable = "schema_version"

// Migrate applies every pending migration. It is idempotent and safe to run
// from several processes at once (tern holds an advisory lock).
func (s *Store) Migrate(ctx context.Context) (from, to int32, err error) {
	err = s.withMigrator(ctx, func(m *migrate.Migrator) error {
		if from, err = m.GetCurrentVersion(ctx); err != nil {
			return err
		}
		if err = m.Migrate(ctx); err != nil {
			return err
		}
		to, err = m.GetCurrentVersion(ctx)
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("postgis: migrate: %w", translate(err))
	}
	return from, to, nil
}

// MigrateTo moves the schema to version v (0 drops everything), running down
// migrations where needed.
func (s *Store) MigrateTo(ctx context.Context, v int32) error {
	err := s.withMigrator(ctx, func(m *migrate.Migrator) error { return m.MigrateTo(ctx, v) })
	if err != nil {
		return fmt.Errorf("postgis: migrate to %d: %w", v, translate(err))
	}
	return nil
}

// SchemaVersion returns the applied migration version (0 before the first
// migration) and the version this binary expects. It only reads, so health
// checks may call it often.
func (s *Store) SchemaVersion(ctx context.Context) (current, want int32, err error) {
	names, err := migrate.FindMigrations(migrations.FS)
	if err != nil {
		return 0, 0, fmt.Errorf("postgis: schema version: %w", err)
	}
	err = s.pool.QueryRow(ctx, `SELECT version FROM `+versionTable).Scan(&current)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42P01" { // undefined_table: never migrated
		err = nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("postgis: schema version: %w", translate(err))
	}
	return current, int32(len(names)), nil
}

// Ready reports whether the database answers and its schema is the one this
// binary was built for: nil, or an EUnavailable error saying what is wrong.
func (s *Store) Ready(ctx context.Context) error {
	cur, want, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if cur != want {
		return geo.Errorf(geo.EUnavailable, "schema version %d, want %d: run `commonground migrate`", cur, want)
	}
	return nil
}

// withMigrator runs f on a connection of its own without the pool's
// statement timeout, which is for requests: a migration rewriting a loaded
// table may take minutes, also when serve applies it on start (and tern
// runs RESET ALL after each migration, so a SET would not last).
func (s *Store) withMigrator(ctx context.Context, f func(*migrate.Migrator) error) error {
	cfg := s.pool.Config().ConnConfig
	delete(cfg.RuntimeParams, "statement_timeout")
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = conn.Close(cctx)
	}()
	m, err := migrate.NewMigrator(ctx, conn, versionTable)
	if err != nil {
		return err
	}
	if err := m.LoadMigrations(migrations.FS); err != nil {
		return err
	}
	return f(m)
}
