package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/commonground/commonground/api"
	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/internal/pgtest"
)

// refURL is one database with the reference data, shared by the tests of
// this package that only read; "" when no server answers, and noDatabase
// says why (newEnv then skips).
var (
	refURL     string
	noDatabase error
)

// TestMain clones the shared database. Without a server the tests that need
// one skip (the others still run), unless TEST_DATABASE_URL names one: then
// the run fails, as pgtest.New does.
func TestMain(m *testing.M) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	u, drop, err := pgtest.Clone(ctx, pgtest.Reference)
	cancel()
	switch {
	case err == nil:
		refURL = u
	case pgtest.Skippable(err):
		noDatabase = err
	default:
		slog.Error("api tests need a database", "error", err)
		os.Exit(1)
	}
	code := m.Run()
	if drop != nil {
		drop()
	}
	os.Exit(code)
}

type env struct {
	srv   *api.Server
	logs  *bytes.Buffer
	store *postgis.Store
}

// newEnv serves the store at dbURL; "" (refURL without a server) skips
// the test.
func newEnv(t testing.TB, dbURL string, cfg postgis.Config, assets fs.FS) env {
	t.Helper()
	if dbURL == "" {
		t.Skipf("no database: %v (set TEST_DATABASE_URL to make this a failure)", noDatabase)
	}
	cfg.URL = dbURL
	s, err := postgis.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	logs := new(bytes.Buffer)
	log := slog.New(slog.NewJSONHandler(logs, nil))
	reg := prometheus.NewRegistry()
	// The deadline is generous so that a busy machine does not turn a slow
	// answer (all countries at full resolution) into a 503; deadlines
	// themselves are tested with a 1 ms statement timeout.
	h := api.New(s, log, api.Config{HandlerTimeout: time.Minute, MaxBodyBytes: 1 << 20}, assets, reg, reg)
	return env{srv: h, logs: logs, store: s}
}

// watch runs the store's Watch, as the server does, until the test ends,
// and waits for its listener.
func (e env) watch(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.store.Watch(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	t.Cleanup(func() { cancel(); <-done })
	for deadline := time.Now().Add(10 * time.Second); !e.store.Notified(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the data version listener did not connect")
		}
	}
}

func (e env) do(t *testing.T, method, target string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	return e.doBody(t, method, target, nil, hdr...)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func (e env) doBody(t *testing.T, method, target string, body io.Reader, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	return rec
}

// problem decodes a problem+json body, failing the test if it is not one.
func problem(t *testing.T, rec *httptest.ResponseRecorder, status int) api.Problem {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json", ct)
	}
	var p api.Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if p.Status != status || p.Title == "" || p.Type == "" || p.RequestID == "" {
		t.Fatalf("incomplete problem: %+v", p)
	}
	return p
}

func readAll(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
