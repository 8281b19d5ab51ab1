// Package pgtest gives each test package a throwaway PostGIS database cloned
// from a template that is built once per version of the migrations (and of
// the reference and demo data, when asked for). Cloning takes a fraction of a
// second; building a template is done by the first test package that needs
// it, under an advisory lock, and reused by every later run.
//
// The server comes from TEST_DATABASE_URL (any database on it; the role needs
// CREATEDB), by default the cluster `make test` provisions. When no server
// answers, tests skip, unless TEST_DATABASE_URL is set: a run that names its
// database (as `make test` and CI do) fails rather than pass untested.
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/commonground/commonground/migrations"
)

// DefaultURL is the test server `make test` provisions.
const DefaultURL = "postgres://commonground:commonground@localhost:5432/postgres?sslmode=disable"

// Level is how much data a template holds.
type Level int

// Template levels.
const (
	Migrated  Level = iota // schema only
	Reference              // schema and reference data (countries, regions, places)
	Demo                   // schema, reference data and the demo alliance
)

func (l Level) String() string {
	return [...]string{"migrated", "reference", "demo"}[l]
}

// AdminURL is the URL tests connect to for creating databases.
func AdminURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// ErrNoServer is the cause of the errors New, NewEmpty and Clone return when
// no server answers at AdminURL.
var ErrNoServer = errors.New("no test database server")

// Required reports whether TEST_DATABASE_URL is set, so that a missing
// server must fail the tests rather than skip them.
func Required() bool { return os.Getenv("TEST_DATABASE_URL") != "" }

// Skippable reports whether tests that met err should skip: no server
// answers and none was asked for (Required is false).
func Skippable(err error) bool { return errors.Is(err, ErrNoServer) && !Required() }

// stop skips the test when err is Skippable, else fails it.
func stop(t testing.TB, err error) {
	t.Helper()
	if Skippable(err) {
		t.Skipf("pgtest: %v (set TEST_DATABASE_URL to make this a failure)", err)
	}
	t.Fatalf("pgtest: %v", err)
}

// New returns the URL of a fresh database at the given level, dropped when
// the test ends. When no server is reachable it skips the test, or fails it
// if TEST_DATABASE_URL is set.
func New(t testing.TB, level Level) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dbURL, drop, err := Clone(ctx, level)
	if err != nil {
		stop(t, err)
	}
	t.Cleanup(drop)
	return dbURL
}

// NewEmpty returns the URL of a fresh database with no schema (PostGIS may
// already be installed, as in template1), dropped when the test ends. No
// server skips or fails the test as for New.
func NewEmpty(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := connectAdmin(ctx)
	if err != nil {
		stop(t, err)
	}
	defer admin.Close(ctx)
	name := "cg_test_" + randomHex(6)
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(dropper(name))
	return withDatabase(AdminURL(), name)
}

// Clone creates a fresh database at the given level and returns its URL and a
// function that drops it. For TestMain, where there is no testing.TB; its
// error wraps ErrNoServer when no server answers (see Skippable).
func Clone(ctx context.Context, level Level) (dbURL string, drop func(), err error) {
	admin, err := connectAdmin(ctx)
	if err != nil {
		return "", nil, err
	}
	defer admin.Close(ctx)
	tpl, err := ensureTemplate(ctx, admin, level)
	if err != nil {
		return "", nil, err
	}
	name := "cg_test_" + randomHex(6)
	if err := createFrom(ctx, admin, name, tpl); err != nil {
		return "", nil, err
	}
	return withDatabase(AdminURL(), name), dropper(name), nil
}

func connectAdmin(ctx context.Context) (*pgx.Conn, error) {
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		return nil, fmt.Errorf("%w at TEST_DATABASE_URL (%s): %w; run `make test`", ErrNoServer, redact(AdminURL()), err)
	}
	return admin, nil
}

// dropper returns a function that drops database name, whoever is connected.
func dropper(name string) func() {
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, AdminURL())
		if err != nil {
			return
		}
		defer conn.Close(ctx)
		_, _ = conn.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`)
	}
}

// createFrom clones tpl, retrying while another session briefly holds it.
func createFrom(ctx context.Context, admin *pgx.Conn, name, tpl string) error {
	q := `CREATE DATABASE ` + pgx.Identifier{name}.Sanitize() + ` TEMPLATE ` + pgx.Identifier{tpl}.Sanitize()
	for attempt := 0; ; attempt++ {
		_, err := admin.Exec(ctx, q)
		var pe *pgconn.PgError
		if err == nil || attempt == 50 || !errors.As(err, &pe) || pe.Code != "55006" { // object_in_use
			if err != nil {
				return fmt.Errorf("clone %s: %w", tpl, err)
			}
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// ensureTemplate builds the template for level once, under an advisory lock
// so concurrent test packages wait for the first one, and drops templates of
// other versions built more than staleAfter ago (several checkouts of
// different versions, e.g. git worktrees, test on one server without
// dropping each other's templates over and over).
func ensureTemplate(ctx context.Context, admin *pgx.Conn, level Level) (string, error) {
	digest, err := fingerprint(level)
	if err != nil {
		return "", err
	}
	prefix := "cg_tpl_" + level.String() + "_"
	name := prefix + digest
	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock(hashtext($1))`, prefix); err != nil {
		return "", fmt.Errorf("lock template: %w", err)
	}
	defer admin.Exec(context.Background(), `SELECT pg_advisory_unlock(hashtext($1))`, prefix) //nolint:errcheck
	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", fmt.Errorf("find template: %w", err)
	}
	if exists {
		return name, nil
	}
	dropStale(ctx, admin, prefix)
	building := name + "_b"
	_, _ = admin.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{building}.Sanitize()+` WITH (FORCE)`)
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{building}.Sanitize()); err != nil {
		return "", fmt.Errorf("create template: %w", err)
	}
	if err := fill(ctx, withDatabase(AdminURL(), building), level); err != nil {
		return "", fmt.Errorf("fill %s template: %w", level, err)
	}
	if _, err := admin.Exec(ctx, `ALTER DATABASE `+pgx.Identifier{building}.Sanitize()+` RENAME TO `+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("publish template: %w", err)
	}
	// COMMENT takes no parameters; the text is ours (letters and digits).
	if _, err := admin.Exec(ctx, `COMMENT ON DATABASE `+pgx.Identifier{name}.Sanitize()+` IS '`+
		builtComment+strconv.FormatInt(time.Now().Unix(), 10)+`'`); err != nil {
		return "", fmt.Errorf("date template: %w", err)
	}
	return name, nil
}

// builtComment starts a template's database comment, followed by the Unix
// time it was built; staleAfter is when dropStale drops it.
const (
	builtComment = "commonground test template built at "
	staleAfter   = 24 * time.Hour
)

// dropStale drops the finished templates of prefix built more than
// staleAfter ago (or undated). Half-built ones ("_b") belong to whoever
// builds them, who drops them first.
func dropStale(ctx context.Context, admin *pgx.Conn, prefix string) {
	rows, err := admin.Query(ctx, `SELECT datname FROM pg_database
		WHERE starts_with(datname, $1) AND NOT datname LIKE '%\_b'
			AND coalesce(substring(shobj_description(oid, 'pg_database') FROM '^'||$2||'([0-9]+)$')::bigint, 0) < $3`,
		prefix, builtComment, time.Now().Add(-staleAfter).Unix())
	if err != nil {
		return
	}
	names, _ := pgx.CollectRows(rows, pgx.RowTo[string])
	for _, n := range names {
		_, _ = admin.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{n}.Sanitize()+` WITH (FORCE)`)
	}
}

// fingerprints caches fingerprint per level: the content is embedded in the
// binary, so it cannot change while the tests run.
var fingerprints sync.Map // Level -> string

// fingerprint names the template by the content that goes into it.
func fingerprint(level Level) (string, error) {
	if fp, ok := fingerprints.Load(level); ok {
		return fp.(string), nil
	}
	fp, err := computeFingerprint(level)
	if err == nil {
		fingerprints.Store(level, fp)
	}
	return fp, err
}

func computeFingerprint(level Level) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	if err != nil {
		return "", err
	}
	if level >= Reference {
		if err := hashData(h, level); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// withDatabase returns rawURL pointing at database name.
func withDatabase(rawURL, name string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme == "" {
		return strings.TrimSpace(rawURL) + " dbname=" + name
	}
	u.Path = "/" + name
	return u.String()
}

func redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
