package main

import (
	"context"
	"encoding/json"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/commonground/commonground/internal/pgtest"
)

// On SIGTERM or SIGINT the server turns /readyz to 503, lets the request in
// flight finish with its full answer, and exits 0.
func TestSignalDrainsInFlightRequests(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			ctx := context.Background()
			dbURL := pgtest.New(t, pgtest.Reference)
			p := startServe(t, "DATABASE_URL="+dbURL, "COMMONGROUND_DRAIN_DELAY=1500ms")
			p.waitStatus(t, "/readyz", http.StatusOK, 30*time.Second)

			// Hold a lock so the countries request stays in flight.
			lock, err := pgx.Connect(ctx, dbURL)
			if err != nil {
				t.Fatal(err)
			}
			defer lock.Close(ctx)
			tx, err := lock.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(ctx, `LOCK TABLE countries IN ACCESS EXCLUSIVE MODE`); err != nil {
				t.Fatal(err)
			}
			type result struct {
				code int
				body string
				err  error
			}
			done := make(chan result, 1)
			go func() {
				code, _, body, err := p.get("/collections/countries/items?limit=1000")
				done <- result{code, body, err}
			}()
			waitForLockWait(t, lock)

			p.signal(t, sig)
			p.waitStatus(t, "/readyz", http.StatusServiceUnavailable, 1*time.Second)
			if code, _, _, err := p.get("/livez"); err != nil || code != http.StatusOK {
				t.Errorf("livez while draining: %d %v", code, err)
			}
			select {
			case r := <-done:
				t.Fatalf("in-flight request ended before the lock was released: %+v", r)
			default:
			}
			if err := tx.Rollback(ctx); err != nil {
				t.Fatal(err)
			}
			r := <-done
			if r.err != nil || r.code != http.StatusOK {
				t.Fatalf("in-flight request: %d %v %.200s", r.code, r.err, r.body)
			}
			var fc struct{ NumberReturned int }
			if err := json.Unmarshal([]byte(r.body), &fc); err != nil || fc.NumberReturned < 240 {
				t.Fatalf("in-flight answer incomplete: %d countries, %v", fc.NumberReturned, err)
			}
			if err := p.waitExit(t, 30*time.Second); err != nil {
				t.Fatalf("exit after drain: %v\n%s", err, p.log())
			}
		})
	}
}

// waitForLockWait returns once some other session waits on a lock.
func waitForLockWait(t *testing.T, conn *pgx.Conn) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		err := conn.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the request never reached the database")
}

// The server gzips large responses for clients that accept it (the country
// outlines shrink about threefold).
func TestServeGzips(t *testing.T) {
	p := startServe(t, "DATABASE_URL="+pgtest.New(t, pgtest.Reference))
	p.waitStatus(t, "/readyz", http.StatusOK, 30*time.Second)
	req, err := http.NewRequest(http.MethodGet, p.base+"/collections/countries/items?limit=1000", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "gzip") // set by hand, so the client leaves the body compressed
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != "gzip" ||
		resp.Header.Get("Content-Type") != "application/geo+json" {
		t.Errorf("answer: %d, Content-Encoding %q, Content-Type %q", resp.StatusCode,
			resp.Header.Get("Content-Encoding"), resp.Header.Get("Content-Type"))
	}
}
