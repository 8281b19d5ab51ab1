package main

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/internal/pgtest"
)

// e2eAdmin is the secretariat user the browser tests sign in as
// (frontend/e2e/accounts.e2e.ts), made once the server has migrated.
const (
	e2eAdminEmail    = "e2e-admin@example.org"
	e2eAdminPassword = "browser test password 1"
)

func createE2EAdmin(t *testing.T, dbURL string) {
	t.Helper()
	ctx := context.Background()
	s, err := postgis.Open(ctx, postgis.Config{URL: dbURL})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.CreateAdmin(ctx, e2eAdminEmail, "E2E Admin", e2eAdminPassword); err != nil {
		t.Fatalf("create the browser tests' admin: %v", err)
	}
}

// TestBrowser serves the demo data with the real binary (with the web app
// embedded) and runs the web app's browser tests (frontend/e2e, headless
// Chromium through playwright-core) against it. It needs the frontend built
// and its node modules installed, so it runs when COMMONGROUND_E2E=1, as
// `make test` sets.
func TestBrowser(t *testing.T) {
	if os.Getenv("COMMONGROUND_E2E") != "1" {
		t.Skip("browser test: set COMMONGROUND_E2E=1 (make test does) after `make frontend`")
	}
	dbURL := pgtest.New(t, pgtest.Demo)
	p := startServe(t, "DATABASE_URL="+dbURL)
	p.waitStatus(t, "/readyz", http.StatusOK, 30*time.Second)
	if code, _, body, err := p.get("/"); err != nil || code != http.StatusOK {
		t.Fatalf("the web app is not served (run `make frontend` before the tests): %d %v %.300s", code, err, body)
	}
	createE2EAdmin(t, dbURL)
	frontend, err := filepath.Abs("../../frontend")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("npm", "run", "--silent", "test:e2e")
	cmd.Dir = frontend
	cmd.Env = append(os.Environ(), "COMMONGROUND_URL="+p.base,
		"COMMONGROUND_E2E_EMAIL="+e2eAdminEmail, "COMMONGROUND_E2E_PASSWORD="+e2eAdminPassword)
	out, err := cmd.CombinedOutput()
	t.Logf("frontend e2e:\n%s", out)
	if err != nil {
		t.Fatalf("browser tests failed: %v", err)
	}
}
