package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

func checkCmd(ctx context.Context, fs *flag.FlagSet, args []string) error {
	url := fs.String("url", "", "the server's base URL, http://127.0.0.1:PORT")
	db := fs.String("db", "", "the database the server reads")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if err := localOnly(*url); err != nil {
		return err
	}
	if err := localOnly(*db); err != nil {
		return err
	}
	pool, public, err := openPool(ctx, *db, 2)
	if err != nil {
		return err
	}
	defer pool.Close()
	client := newHTTPClient(1)
	for _, w := range workloads(10000) {
		for _, i := range []int{0, 1, 2} {
			if err := check(ctx, client, *url, pool, w.request(public, 0, i)); err != nil {
				return fmt.Errorf("%s: %w", w.Name, err)
			}
		}
	}
	log.Printf("check: B1 and B2 return the server's features")
	return nil
}

type collection struct {
	NumberMatched int64             `json:"numberMatched"`
	Features      []json.RawMessage `json:"features"`
}

// check verifies that for r B1 and B2 return the server's features and
// numberMatched (as decoded values: key order and number formatting
// differ).
func check(ctx context.Context, client *http.Client, base string, pool *pgxpool.Pool, r request) error {
	srv, err := collect(func(w io.Writer) (int, error) { return fetch(ctx, client, base, r, w) })
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	for _, b := range baselines {
		c, err := collect(func(w io.Writer) (int, error) { return b.run(ctx, pool, r, w) })
		if err != nil {
			return err
		}
		if err := sameCollection(srv, c); err != nil {
			return fmt.Errorf("%s differs from the server: %w", b.name, err)
		}
	}
	return nil
}

// collect runs f into a buffer and decodes the collection it wrote.
func collect(f func(io.Writer) (int, error)) (collection, error) {
	var buf bytes.Buffer
	var c collection
	if _, err := f(&buf); err != nil {
		return c, err
	}
	return c, json.Unmarshal(buf.Bytes(), &c)
}

func sameCollection(want, got collection) error {
	if want.NumberMatched != got.NumberMatched {
		return fmt.Errorf("numberMatched %d, want %d", got.NumberMatched, want.NumberMatched)
	}
	if len(want.Features) != len(got.Features) {
		return fmt.Errorf("%d features, want %d", len(got.Features), len(want.Features))
	}
	for i := range want.Features {
		var a, b any
		if err := json.Unmarshal(want.Features[i], &a); err != nil {
			return err
		}
		if err := json.Unmarshal(got.Features[i], &b); err != nil {
			return err
		}
		if err := same(a, b, "feature"); err != nil {
			return fmt.Errorf("feature %d: %w", i, err)
		}
	}
	return nil
}

// same compares decoded JSON: numbers within the 6-decimal rounding of
// coordinates, timestamps as instants, everything else exactly.
func same(a, b any, path string) error {
	switch a := a.(type) {
	case map[string]any:
		m, ok := b.(map[string]any)
		if !ok || len(m) != len(a) {
			return fmt.Errorf("%s: %v and %v", path, a, b)
		}
		for k, v := range a {
			if err := same(v, m[k], path+"."+k); err != nil {
				return err
			}
		}
		return nil
	case []any:
		l, ok := b.([]any)
		if !ok || len(l) != len(a) {
			return fmt.Errorf("%s: %v and %v", path, a, b)
		}
		for i := range a {
			if err := same(a[i], l[i], fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		return nil
	case float64:
		if f, ok := b.(float64); ok && math.Abs(a-f) <= 1.01e-6 {
			return nil
		}
	case string:
		if s, ok := b.(string); ok && (s == a || sameInstant(a, s)) {
			return nil
		}
	default:
		if a == b {
			return nil
		}
	}
	return fmt.Errorf("%s: %v and %v", path, a, b)
}

func sameInstant(a, b string) bool {
	ta, err1 := time.Parse(time.RFC3339Nano, a)
	tb, err2 := time.Parse(time.RFC3339Nano, b)
	return err1 == nil && err2 == nil && ta.Equal(tb)
}
