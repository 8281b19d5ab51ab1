package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/internal/pgtest"
)

func TestLivezReadyz(t *testing.T) {
	e := newEnv(t, refURL, postgis.Config{}, nil)
	for _, path := range []string{"/livez", "/readyz"} {
		rec := e.do(t, http.MethodGet, path)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s = %d %s", path, rec.Code, rec.Body)
		}
		var body map[string]string
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body["status"] == "" {
			t.Fatalf("%s body %s: %v", path, rec.Body, err)
		}
	}

	e.srv.Drain()
	p := problem(t, e.do(t, http.MethodGet, "/readyz"), http.StatusServiceUnavailable)
	if p.Code != geo.EUnavailable {
		t.Errorf("draining readyz code = %q", p.Code)
	}
	if rec := e.do(t, http.MethodGet, "/livez"); rec.Code != http.StatusOK {
		t.Errorf("livez while draining = %d", rec.Code)
	}
}

// A database without the schema is not ready; the answer says what to run.
func TestReadyzSchemaNotCurrent(t *testing.T) {
	e := newEnv(t, pgtest.NewEmpty(t), postgis.Config{}, nil)
	rec := e.do(t, http.MethodGet, "/readyz")
	p := problem(t, rec, http.StatusServiceUnavailable)
	if rec.Header().Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	if !strings.Contains(p.Detail, "migrate") {
		t.Errorf("detail %q does not say to migrate", p.Detail)
	}
}

// No database at all: liveness holds, readiness and data routes are 503
// with Retry-After, and nothing of the connection string leaks.
func TestDatabaseDown(t *testing.T) {
	e := newEnv(t, "postgres://commonground:sekret@127.0.0.1:1/none?connect_timeout=1", postgis.Config{}, nil)
	if rec := e.do(t, http.MethodGet, "/livez"); rec.Code != http.StatusOK {
		t.Fatalf("livez = %d", rec.Code)
	}
	for _, path := range []string{"/readyz", "/collections/countries/items"} {
		rec := e.do(t, http.MethodGet, path)
		p := problem(t, rec, http.StatusServiceUnavailable)
		if rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s: 503 without Retry-After", path)
		}
		if strings.Contains(rec.Body.String(), "sekret") || strings.Contains(rec.Body.String(), "127.0.0.1") {
			t.Errorf("%s leaks connection details: %s", path, rec.Body)
		}
		if p.Code != geo.EUnavailable {
			t.Errorf("%s code = %q", path, p.Code)
		}
	}
}

// A query that outlives statement_timeout is a 503 with Retry-After, not a
// 500.
func TestStatementTimeoutIs503(t *testing.T) {
	e := newEnv(t, refURL, postgis.Config{StatementTimeout: time.Millisecond}, nil)
	rec := e.do(t, http.MethodGet, "/collections/countries/items?limit=1000")
	p := problem(t, rec, http.StatusServiceUnavailable)
	if rec.Header().Get("Retry-After") == "" || p.Code != geo.EUnavailable {
		t.Errorf("timeout answer: %+v, Retry-After %q", p, rec.Header().Get("Retry-After"))
	}
	if strings.Contains(rec.Body.String(), "SELECT") || strings.Contains(rec.Body.String(), "statement") {
		t.Errorf("problem leaks SQL details: %s", rec.Body)
	}
}
