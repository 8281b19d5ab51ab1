package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/commonground/commonground/geo/postgis"
)

// viewersAllCmd measures the same items and tile requests for an anonymous
// visitor, a signed-in member (session cookie) and the member's read token
// on each size (BENCHMARKS.md, "Signed in against anonymous (issue 12)"):
// it seeds the database, serves it warm and cold as tiles-all does,
// makes an administrator in the database and, through the HTTP API, an
// invited editor of the organisation that leads the most activities, then
// runs every workload on every viewer, one at a time.
func viewersAllCmd(ctx context.Context, fs *flag.FlagSet, args []string) error {
	var cfg tileConfig
	sf := addSizedFlags(fs, "the commonground binary: seeds the databases and serves", "100000")
	tileFlags(fs, &cfg)
	dbName := fs.String("db-name", "", "the database to use instead of cg_bench_<size> (one size only; e.g. a copy made with CREATE DATABASE ... TEMPLATE cg_bench_100k)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if err := cfg.validateFlags(); err != nil {
		return err
	}
	ns, err := sf.parse()
	if err != nil {
		return err
	}
	if *dbName != "" && len(ns) != 1 {
		return fmt.Errorf("-db-name takes one size: %w", errUsage)
	}
	for _, n := range ns {
		var db string
		if *dbName == "" {
			db, err = seededDatabase(ctx, *sf.admin, *sf.bin, n)
		} else if db, err = withDatabase(*sf.admin, *dbName); err == nil {
			err = seed(ctx, db, *sf.bin, n)
		}
		if err != nil {
			return err
		}
		rows, err := viewersOneSize(ctx, cfg, *sf.bin, db)
		printViewerTable(os.Stdout, n, rows)
		if err != nil {
			return err
		}
	}
	return nil
}

// viewer is one way of asking: its name and the header it sends.
type viewer struct {
	name, header, value string
}

// viewerRow is one workload on one server for every viewer.
type viewerRow struct {
	workload string
	paths    []tilePath // in the order of the viewers
}

func viewersOneSize(ctx context.Context, cfg tileConfig, bin, db string) ([]viewerRow, error) {
	warm, cold, stop, err := startWarmCold(ctx, bin, db)
	if err != nil {
		return nil, err
	}
	defer stop()
	pool, err := pgxpool.New(ctx, db)
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	if _, _, err := waitAggregates(ctx, pool); err != nil {
		return nil, err
	}
	client := newHTTPClient(cfg.lim.clients)
	defer client.CloseIdleConnections()
	viewers, err := benchViewers(ctx, client, warm, db, pool)
	if err != nil {
		return nil, err
	}
	var rows []viewerRow
	add := func(name string, pathOf func(c, i int) string, base string, isCold bool) error {
		if !strings.Contains(name, cfg.only) {
			return nil
		}
		r, err := measureViewers(ctx, cfg.lim, client, viewers, name, pathOf, base, isCold)
		if err != nil {
			return err
		}
		rows = append(rows, r)
		return nil
	}
	var public int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM activities WHERE visibility = 'public'`).Scan(&public); err != nil {
		return nil, err
	}
	for _, w := range workloads(10000) {
		if err := add("items "+w.Name, func(c, i int) string {
			return "/collections/activities/items?" + w.request(public, c, i).query()
		}, warm, false); err != nil {
			return rows, err
		}
	}
	for _, w := range tileWorkloads() {
		for _, s := range []struct {
			name, base string
			cold       bool
		}{{"cold", cold, true}, {"warm", warm, false}} {
			if err := add("tiles "+w.name+" "+s.name, func(c, i int) string { return w.path(w.pick(c, i)) }, s.base, s.cold); err != nil {
				return rows, err
			}
		}
	}
	return rows, nil
}

// measureViewers measures one workload on one server for each viewer, one
// after the other; the cold server must never answer from its cache.
func measureViewers(ctx context.Context, lim limits, client *http.Client, viewers []viewer, name string,
	pathOf func(c, i int) string, base string, isCold bool) (viewerRow, error) {
	r := viewerRow{workload: name}
	for _, v := range viewers {
		tp, err := measurePath(ctx, lim, tileDo{name: v.name, do: func(ctx context.Context, c, i int, tp *tilePath) (int, error) {
			n, cache, err := getAs(ctx, client, base+pathOf(c, i), v)
			if cache == "hit" && isCold {
				return n, fmt.Errorf("served from the cache by the cold server")
			}
			return n, err
		}})
		if err != nil {
			return r, fmt.Errorf("%s, %s: %w", name, v.name, err)
		}
		log.Printf("%s, %s: %.1f req/s, p50 %.1f ms, %.0f bytes, %d failed", name, v.name, tp.rate(), tp.s.pct(50), tp.meanBytes(), tp.failed)
		r.paths = append(r.paths, tp)
	}
	return r, nil
}

// benchViewers makes the viewers: anonymous; an editor of the organisation
// leading the most drafts (then the most activities), signed in by the invitation flow (session
// cookie); and that editor's read token.
func benchViewers(ctx context.Context, client *http.Client, base, db string, pool *pgxpool.Pool) ([]viewer, error) {
	store, err := postgis.Open(ctx, postgis.Config{URL: db, MaxConns: 2})
	if err != nil {
		return nil, err
	}
	defer store.Close()
	tag := randomHex(6)
	password := "cgbench-" + randomHex(12)
	adminEmail := "cgbench-admin-" + tag + "@cgbench.invalid"
	if _, err := store.CreateAdmin(ctx, adminEmail, "cgbench", password); err != nil {
		return nil, err
	}
	var org int64
	if err := pool.QueryRow(ctx, `SELECT ao.organisation_id FROM activity_organisations ao JOIN activities a ON a.id = ao.activity_id
		WHERE ao.role = 'lead' GROUP BY 1 ORDER BY count(*) FILTER (WHERE a.visibility = 'draft') DESC, count(*) DESC, 1 LIMIT 1`).Scan(&org); err != nil {
		return nil, fmt.Errorf("the busiest organisation: %w", err)
	}
	var admin struct{}
	adminCookie, err := postJSON(ctx, client, base+"/auth/login", "", map[string]any{"email": adminEmail, "password": password}, &admin)
	if err != nil {
		return nil, err
	}
	var invited struct {
		Link string `json:"link"`
	}
	if _, err := postJSON(ctx, client, base+"/users", adminCookie, map[string]any{"email": "cgbench-member-" + tag + "@cgbench.invalid",
		"display_name": "cgbench member", "organisation_id": org, "role": "editor"}, &invited); err != nil {
		return nil, err
	}
	_, frag, _ := strings.Cut(invited.Link, "#/accept?")
	q, _ := url.ParseQuery(frag)
	var accepted struct{}
	memberCookie, err := postJSON(ctx, client, base+"/auth/accept", "", map[string]any{"link": q.Get("link"), "password": password}, &accepted)
	if err != nil {
		return nil, err
	}
	var tok struct {
		Secret string `json:"secret"`
	}
	if _, err := postJSON(ctx, client, base+"/auth/tokens", memberCookie, map[string]any{"name": "cgbench", "scope": "read"}, &tok); err != nil {
		return nil, err
	}
	log.Printf("viewers: editor of organisation %d (session and read token)", org)
	return []viewer{{name: "anonymous"}, {name: "member session", header: "Cookie", value: memberCookie},
		{name: "member token", header: "Authorization", value: "Bearer " + tok.Secret}}, nil
}

// postJSON POSTs body with the cookie (if any), decodes a 2xx answer into
// out and returns the session cookie the answer set, as a Cookie header.
func postJSON(ctx context.Context, client *http.Client, u, cookie string, body, out any) (string, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode/100 != 2 {
		return "", fmt.Errorf("POST %s: %s: %s", u, resp.Status, got)
	}
	if err := json.Unmarshal(got, out); err != nil {
		return "", fmt.Errorf("POST %s: %w", u, err)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "cg_session" {
			return c.Name + "=" + c.Value, nil
		}
	}
	return "", nil
}

// getAs GETs u as v without compression: the body size and X-Cache; 503 is
// errTimeout, 204 an empty tile (or page).
func getAs(ctx context.Context, client *http.Client, u string, v viewer) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Accept-Encoding", "identity")
	if v.header != "" {
		req.Header.Set(v.header, v.value)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return int(n), "", err
	}
	switch resp.StatusCode {
	case http.StatusOK, http.StatusNoContent:
		return int(n), resp.Header.Get("X-Cache"), nil
	case http.StatusServiceUnavailable:
		return 0, "", errTimeout
	}
	return int(n), "", fmt.Errorf("GET %s as %s: %s", u, v.name, resp.Status)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// printViewerTable writes one size's table: requests per second for each
// viewer and the signed-in ones' ratio to anonymous.
func printViewerTable(w io.Writer, n int, rows []viewerRow) {
	fmt.Fprintf(w, "\n%s activities (%s), req/s with the same clients; ratio = signed in / anonymous\n\n", sizeLabel(n), time.Now().UTC().Format("2006-01-02"))
	fmt.Fprintln(w, "| request | anonymous | member session | ratio | member token | ratio | bytes anon / member |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for _, r := range rows {
		if len(r.paths) < 3 {
			continue
		}
		a, s, t := r.paths[0], r.paths[1], r.paths[2]
		fmt.Fprintf(w, "| %s | %.0f | %.0f | %.2f | %.0f | %.2f | %.0f / %.0f |\n", r.workload, a.rate(), s.rate(), rateRatio(s.rate(), a.rate()),
			t.rate(), rateRatio(t.rate(), a.rate()), a.meanBytes(), s.meanBytes())
	}
}

func rateRatio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
