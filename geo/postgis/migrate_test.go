package postgis_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/internal/pgtest"
)

func open(t testing.TB, dbURL string) *postgis.Store {
	t.Helper()
	s, err := postgis.Open(context.Background(), postgis.Config{URL: dbURL, MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func connect(t testing.TB, dbURL string) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	return conn
}

// An empty database (no schema_version table) migrates to the latest
// version; a second run changes nothing; down and up again works.
func TestMigrateEmptyIdempotentReversible(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.NewEmpty(t)
	s := open(t, dbURL)

	cur, want, err := s.SchemaVersion(ctx)
	if err != nil || cur != 0 || want < 2 {
		t.Fatalf("SchemaVersion before = %d, %d, %v; want 0, >=2, nil", cur, want, err)
	}
	if err := s.Ready(ctx); geo.ErrorCode(err) != geo.EUnavailable {
		t.Fatalf("Ready before migrating = %v, want unavailable", err)
	}
	from, to, err := s.Migrate(ctx)
	if err != nil || from != 0 || to != want {
		t.Fatalf("Migrate = %d -> %d, %v; want 0 -> %d", from, to, err, want)
	}
	from, to, err = s.Migrate(ctx)
	if err != nil || from != want || to != want {
		t.Fatalf("second Migrate = %d -> %d, %v; want no change at %d", from, to, err, want)
	}
	if err := s.Ready(ctx); err != nil {
		t.Fatalf("Ready after migrating: %v", err)
	}
	if err := s.MigrateTo(ctx, 0); err != nil {
		t.Fatalf("MigrateTo(0): %v", err)
	}
	var tables int
	if err := connect(t, dbURL).QueryRow(ctx, `SELECT count(*) FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('schema_version', 'spatial_ref_sys')`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Fatalf("%d tables left after migrating down to 0", tables)
	}
	if _, to, err := s.Migrate(ctx); err != nil || to != want {
		t.Fatalf("Migrate after down = %d, %v", to, err)
	}
}

// The database itself refuses rows that break the data model's rules.
func TestConstraintsRefuseBadRows(t *testing.T) {
	ctx := context.Background()
	conn := connect(t, pgtest.New(t, pgtest.Reference))
	setup := []string{
		`INSERT INTO organisations (slug, name, constituency) VALUES ('org-a', 'Org A', 'civil_society'), ('org-c', 'Org C', 'research')`,
		`INSERT INTO activities (iati_identifier, title) VALUES ('ZZ-T-1', 'A good activity')`,
	}
	for _, q := range setup {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	good := []struct{ name, sql string }{
		{"point location", `INSERT INTO activity_locations (activity_id, kind, precision, geom, country_code)
			SELECT id, 'point', 'exact', ST_SetSRID(ST_MakePoint(36.8, -1.3), 4326), 'KE' FROM activities`},
		{"country location without geometry", `INSERT INTO activity_locations (activity_id, kind, precision, country_code)
			SELECT id, 'country', 'country', 'KE' FROM activities`},
		{"budget in a known currency", `UPDATE activities SET budget = 1000, currency = 'KES'`},
		{"one-day period", `UPDATE activities SET start_date = '2024-01-01', end_date = '2024-01-01'`},
	}
	for _, tt := range good {
		t.Run("accepts "+tt.name, func(t *testing.T) {
			if _, err := conn.Exec(ctx, tt.sql); err != nil {
				t.Fatalf("refused: %v", err)
			}
		})
	}
	bad := []struct{ name, sql string }{
		{"end before start", `UPDATE activities SET start_date = '2024-05-01', end_date = '2024-04-30'`},
		{"latitude 95", `INSERT INTO activity_locations (activity_id, kind, precision, geom)
			SELECT id, 'point', 'exact', ST_SetSRID(ST_MakePoint(10, 95), 4326) FROM activities`},
		{"longitude 181", `INSERT INTO activity_locations (activity_id, kind, precision, geom)
			SELECT id, 'point', 'exact', ST_SetSRID(ST_MakePoint(181, 0), 4326) FROM activities`},
		{"self-intersecting polygon", `INSERT INTO activity_locations (activity_id, kind, precision, geom)
			SELECT id, 'shape', 'approximate', ST_GeomFromText('POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))', 4326) FROM activities`},
		{"unknown currency", `UPDATE activities SET budget = 10, currency = 'ABC'`},
		{"budget without currency", `UPDATE activities SET budget = 10, currency = NULL`},
		{"negative budget", `UPDATE activities SET budget = -1, currency = 'USD'`},
		{"unknown status", `UPDATE activities SET status = 'finished'`},
		{"unknown visibility", `UPDATE activities SET visibility = 'secret'`},
		{"duplicate IATI identifier", `INSERT INTO activities (iati_identifier, title) VALUES ('ZZ-T-1', 'Copy')`},
		{"empty title", `INSERT INTO activities (title) VALUES ('')`},
		{"unknown role", `INSERT INTO activity_organisations (activity_id, organisation_id, role)
			SELECT a.id, o.id, 'sponsor' FROM activities a, organisations o`},
		{"second lead", `INSERT INTO activity_organisations (activity_id, organisation_id, role)
			SELECT a.id, o.id, 'lead' FROM activities a, organisations o`},
		{"unknown theme", `INSERT INTO activity_themes (activity_id, theme_code) SELECT id, 'astrology' FROM activities`},
		{"unknown country", `INSERT INTO activity_locations (activity_id, kind, precision, country_code)
			SELECT id, 'country', 'country', 'QQ' FROM activities`},
		{"point without geometry", `INSERT INTO activity_locations (activity_id, kind, precision)
			SELECT id, 'point', 'exact' FROM activities`},
		{"country location with copied polygon", `INSERT INTO activity_locations (activity_id, kind, precision, country_code, geom)
			SELECT a.id, 'country', 'country', 'KE', ST_GeometryN(c.geom, 1) FROM activities a, countries c WHERE c.iso_a2 = 'KE'`},
		{"geometry in another SRID", `INSERT INTO activity_locations (activity_id, kind, precision, geom)
			SELECT id, 'point', 'exact', ST_SetSRID(ST_MakePoint(10, 10), 3857) FROM activities`},
		{"unknown constituency", `INSERT INTO organisations (slug, name, constituency) VALUES ('org-b', 'Org B', 'club')`},
		{"bad slug", `INSERT INTO organisations (slug, name, constituency) VALUES ('Org B!', 'Org B', 'research')`},
		{"website not http", `UPDATE organisations SET website = 'javascript:alert(1)'`},
		{"tier 4", `INSERT INTO programmes (slug, name, type, tier) VALUES ('p', 'P', 'catalytic_fund', 4)`},
		{"unknown programme type", `INSERT INTO programmes (slug, name, type, tier) VALUES ('p', 'P', 'lottery', 1)`},
		{"bad SDG target", `INSERT INTO themes (code, name, sdg_targets) VALUES ('x', 'X', '{eleven}')`},
	}
	for _, tt := range bad {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			tx, err := conn.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx) //nolint:errcheck
			if _, err := tx.Exec(ctx, tt.sql); err == nil {
				t.Fatal("the database accepted the row")
			}
		})
	}
}

// Updating an activity moves its version and updated_at, and every change
// moves the data version.
func TestVersionsMove(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.New(t, pgtest.Migrated)
	conn := connect(t, dbURL)
	s := open(t, dbURL)
	v0, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := conn.QueryRow(ctx, `INSERT INTO activities (title) VALUES ('x') RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	var version int
	if err := conn.QueryRow(ctx, `UPDATE activities SET title = 'y' WHERE id = $1 RETURNING version`, id).Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version != 2 {
		t.Errorf("version after one update = %d, want 2", version)
	}
	v1, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v1 <= v0 {
		t.Errorf("data version %d -> %d, want it to move", v0, v1)
	}
}

// Migrations run without the requests' statement timeout: serve applies
// them on start with its request pool, and one may rewrite a loaded table.
func TestMigrateIgnoresStatementTimeout(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.NewEmpty(t)
	s, err := postgis.Open(ctx, postgis.Config{URL: dbURL, StatementTimeout: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate with a 1 ms statement timeout: %v", err)
	}
	// Read the version through a store with the default timeout: under the
	// 1 ms one, the reading query itself may be cancelled on a busy machine.
	if cur, want, err := open(t, dbURL).SchemaVersion(ctx); err != nil || cur != want {
		t.Errorf("after migrating: schema %d of %d, %v", cur, want, err)
	}
}

// The accounts migration (008) goes down and up again on a database with
// data, and the database enforces its rules: one account per email whatever
// its case, the secretariat without an organisation, an append-only audit
// log.
func TestMigrateAccountsDownUp(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.New(t, pgtest.Demo)
	s := open(t, dbURL)
	_, want, err := s.SchemaVersion(ctx)
	if err != nil || want < 8 {
		t.Fatalf("SchemaVersion = %d, %v", want, err)
	}
	if err := s.MigrateTo(ctx, 7); err != nil {
		t.Fatalf("MigrateTo(7): %v", err)
	}
	conn := connect(t, dbURL)
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_name IN
		('users', 'sessions', 'api_tokens', 'account_links', 'sign_in_attempts', 'audit_log')`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d account tables left after down (%v)", n, err)
	}
	if _, to, err := s.Migrate(ctx); err != nil || to != want {
		t.Fatalf("Migrate after down = %d, %v", to, err)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO users (email, display_name, role) VALUES ('a@example.org', 'A', 'secretariat')`); err != nil {
		t.Fatal(err)
	}
	for name, sql := range map[string]string{
		"email in other case":           `INSERT INTO users (email, display_name, role) VALUES ('A@Example.org', 'B', 'secretariat')`,
		"secretariat with organisation": `INSERT INTO users (email, display_name, role, organisation_id) SELECT 'b@example.org', 'B', 'secretariat', min(id) FROM organisations`,
		"member without organisation":   `INSERT INTO users (email, display_name, role) VALUES ('c@example.org', 'C', 'editor')`,
		"not an email":                  `INSERT INTO users (email, display_name, role) VALUES ('no at sign', 'D', 'secretariat')`,
		"plain password":                `INSERT INTO users (email, display_name, role, password_hash) VALUES ('e@example.org', 'E', 'secretariat', 'hunter2')`,
		"short session hash":            `INSERT INTO sessions (id_hash, user_id, expires_at) SELECT '\x00', min(id), now() FROM users`,
	} {
		if _, err := conn.Exec(ctx, sql); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := conn.Exec(ctx, `INSERT INTO audit_log (event) VALUES ('sign_in')`); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{`UPDATE audit_log SET event = 'x'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`} {
		if _, err := conn.Exec(ctx, sql); err == nil {
			t.Errorf("%s: the audit log changed", sql)
		}
	}
}
