package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb/encoding/mvt"
)

// writesCmd measures the write API on each size (BENCHMARKS.md, "Writes
// (issue 13)"): creates and updates per second through HTTP by an editor
// (one client, then -clients at once, each updating activities of its
// own), and how long a change takes to show: the first tile and
// /overlaps/matrix request after a create (computed per request, since
// the aggregates and the overlap index are not of the new data version
// yet) and the time until the server has rebuilt both.
func writesCmd(ctx context.Context, fs *flag.FlagSet, args []string) error {
	sf := addSizedFlags(fs, "the commonground binary: seeds the databases and serves", "100000")
	var lim limits
	fs.IntVar(&lim.clients, "clients", 4, "concurrent clients of the second round")
	fs.DurationVar(&lim.duration, "duration", 10*time.Second, "measured time per workload")
	lim.warmup, lim.maxRequests = time.Second, 1_000_000
	dbName := fs.String("db-name", "", "the database to use instead of cg_bench_<size> (one size only; e.g. a copy made with CREATE DATABASE ... TEMPLATE cg_bench_100k): the benchmark writes into it")
	if err := fs.Parse(args); err != nil {
		return errUsage
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
		if err := writesOneSize(ctx, lim, *sf.bin, db, n); err != nil {
			return err
		}
	}
	return nil
}

// writer is the benchmark's editor: the server, its session, its
// organisation and an activity of another member it may overlap with.
type writer struct {
	client  *http.Client
	base    string
	cookie  string
	org     int64
	partner struct {
		id, org  int64
		lon, lat float64
		theme    string
	}
}

func writesOneSize(ctx context.Context, lim limits, bin, db string, n int) error {
	base, stop, err := startServer(ctx, bin, db)
	if err != nil {
		return err
	}
	defer stop()
	pool, err := pgxpool.New(ctx, db)
	if err != nil {
		return err
	}
	defer pool.Close()
	if _, _, err := waitAggregates(ctx, pool); err != nil {
		return err
	}
	w := &writer{client: newHTTPClient(max(lim.clients, 1)), base: base}
	defer w.client.CloseIdleConnections()
	viewers, err := benchViewers(ctx, w.client, base, db, pool)
	if err != nil {
		return err
	}
	w.cookie = viewers[1].value
	if err := w.find(ctx, pool); err != nil {
		return err
	}
	fmt.Printf("\n### %s activities\n\n| workload | clients | writes/s | p50 ms | p95 ms |\n|---|---|---|---|---|\n", sizeLabel(n))
	for _, clients := range []int{1, lim.clients} {
		l := lim
		l.clients = clients
		for _, wl := range []struct {
			name string
			do   func(ctx context.Context, c, i int) (int, error)
		}{{"create", w.create}, {"update (PATCH of the title)", w.update(ctx, clients)}} {
			st, err := measure(ctx, l, wl.do)
			if err != nil {
				return fmt.Errorf("%s: %w", wl.name, err)
			}
			fmt.Printf("| %s | %d | %.0f | %.1f | %.1f |\n", wl.name, clients, float64(st.Requests)/st.Elapsed.Seconds(), st.pct(50), st.pct(95))
		}
	}
	return w.propagation(ctx, pool)
}

// find picks the editor's organisation (benchViewers' busiest) and a
// public, active point activity of another member.
func (w *writer) find(ctx context.Context, pool *pgxpool.Pool) error {
	if err := pool.QueryRow(ctx, `SELECT ao.organisation_id FROM activity_organisations ao JOIN activities a ON a.id = ao.activity_id
		WHERE ao.role = 'lead' GROUP BY 1 ORDER BY count(*) FILTER (WHERE a.visibility = 'draft') DESC, count(*) DESC, 1 LIMIT 1`).Scan(&w.org); err != nil {
		return err
	}
	p := &w.partner
	return pool.QueryRow(ctx, `SELECT a.id, o.organisation_id, ST_X(l.geom), ST_Y(l.geom), min(t.theme_code)
		FROM activities a JOIN activity_organisations o ON o.activity_id = a.id AND o.role = 'lead' AND o.organisation_id <> $1
		JOIN activity_locations l ON l.activity_id = a.id AND l.kind = 'point'
		JOIN activity_themes t ON t.activity_id = a.id
		WHERE a.visibility = 'public' AND a.status = 'implementation' AND a.period @> current_date
		GROUP BY 1, 2, 3, 4 ORDER BY 1 LIMIT 1`, w.org).Scan(&p.id, &p.org, &p.lon, &p.lat, &p.theme)
}

// document is a new activity of the editor's organisation at the partner's
// point, on its theme, active now.
func (w *writer) document(title string) string {
	return fmt.Sprintf(`{"type":"Feature","properties":{"title":%q,"organisations":[{"id":%d,"role":"lead"}],"themes":[%q],
		"start_date":"2020-01-01","end_date":"2099-12-31","locations":[{"kind":"point","geometry":{"type":"Point","coordinates":[%v,%v]}}]}}`,
		title, w.org, w.partner.theme, w.partner.lon, w.partner.lat)
}

// send makes one request as the editor: the status, ETag and body.
func (w *writer) send(ctx context.Context, method, path, body string, hdr ...string) (int, string, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, w.base+path, strings.NewReader(body))
	if err != nil {
		return 0, "", nil, err
	}
	req.Header.Set("Cookie", w.cookie)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("ETag"), b, err
}

func (w *writer) create(ctx context.Context, c, i int) (int, error) {
	code, _, b, err := w.send(ctx, http.MethodPost, "/collections/activities/items", w.document(fmt.Sprintf("cgbench write %d-%d-%d", time.Now().UnixNano(), c, i)))
	if err == nil && code != http.StatusCreated {
		err = fmt.Errorf("create: %d %s", code, b)
	}
	return len(b), err
}

// update returns a workload in which each of clients PATCHes one activity
// of its own (made first), with the ETag of its last answer: no client
// ever waits for another's row.
func (w *writer) update(ctx context.Context, clients int) func(ctx context.Context, c, i int) (int, error) {
	ids := make([]int64, clients)
	etags := make([]atomic.Value, clients)
	for c := range clients {
		code, etag, b, err := w.send(ctx, http.MethodPost, "/collections/activities/items", w.document(fmt.Sprintf("cgbench update target %d-%d", time.Now().UnixNano(), c)))
		var f struct{ ID int64 }
		if err != nil || code != http.StatusCreated || json.Unmarshal(b, &f) != nil {
			return func(context.Context, int, int) (int, error) {
				return 0, fmt.Errorf("update target: %d %v %s", code, err, b)
			}
		}
		ids[c] = f.ID
		etags[c].Store(etag)
	}
	return func(ctx context.Context, c, i int) (int, error) {
		code, etag, b, err := w.send(ctx, http.MethodPatch, fmt.Sprintf("/collections/activities/items/%d", ids[c]),
			fmt.Sprintf(`{"properties":{"title":"cgbench update %d-%d"}}`, c, i),
			"If-Match", etags[c].Load().(string), "Content-Type", "application/merge-patch+json")
		if err == nil && code != http.StatusOK {
			err = fmt.Errorf("update: %d %s", code, b)
		}
		etags[c].Store(etag)
		return len(b), err
	}
}

// propagation creates one activity that overlaps the partner and times
// the first requests that show it, and the rebuilds.
func (w *writer) propagation(ctx context.Context, pool *pgxpool.Pool) error {
	tile := "/tiles/activities/" + tileAddress(14, w.partner.lon, w.partner.lat) + ".mvt"
	clusters := "/tiles/clusters/" + tileAddress(2, w.partner.lon, w.partner.lat) + ".mvt"
	matrix := "/overlaps/matrix"
	var warm [3]time.Duration
	for i, p := range []string{tile, clusters, matrix} {
		start := time.Now()
		if code, _, _, err := w.send(ctx, http.MethodGet, p, ""); err != nil || code/100 != 2 {
			return fmt.Errorf("%s: %d %v", p, code, err)
		}
		warm[i] = time.Since(start)
	}
	before, err := w.matrixCell(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	code, _, b, err := w.send(ctx, http.MethodPost, "/collections/activities/items", w.document("cgbench propagation"))
	if err != nil || code != http.StatusCreated {
		return fmt.Errorf("create: %d %v %s", code, err, b)
	}
	wrote := time.Since(start)
	var f struct{ ID int64 }
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	var first [3]time.Duration
	for i, p := range []string{tile, clusters, matrix} {
		t0 := time.Now()
		code, _, body, err := w.send(ctx, http.MethodGet, p, "")
		if err != nil || code/100 != 2 {
			return fmt.Errorf("%s: %d %v", p, code, err)
		}
		first[i] = time.Since(t0)
		if i == 0 && !tileHolds(body, f.ID) {
			return fmt.Errorf("the first tile after the write lacks activity %d", f.ID)
		}
	}
	after, err := w.matrixCell(ctx)
	if err != nil {
		return err
	}
	if after <= before {
		return fmt.Errorf("the first /overlaps/matrix after the write lacks the new overlap (%d, before %d)", after, before)
	}
	if _, _, err := waitAggregates(ctx, pool); err != nil {
		return err
	}
	aggDone := time.Since(start)
	indexDone, err := w.waitIndex(ctx, start)
	if err != nil {
		return err
	}
	fmt.Printf("\n| after one create | ms |\n|---|---|\n| the create (POST answered) | %.1f |\n", ms(wrote))
	for i, name := range []string{"z14 activities tile holding it", "z2 clusters tile holding it", "/overlaps/matrix (the pair counted)"} {
		fmt.Printf("| first %s, computed per request (warm cache before: %.1f) | %.1f |\n", name, ms(warm[i]), ms(first[i]))
	}
	fmt.Printf("| tile aggregates rebuilt, from the create | %.0f |\n| overlap index rebuilt, from the create | %.0f |\n",
		ms(aggDone), ms(indexDone))
	log.Printf("propagation measured on activity %d", f.ID)
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// matrixCell is the number of overlaps the matrix counts between the
// editor's organisation and the partner's.
func (w *writer) matrixCell(ctx context.Context) (int64, error) {
	code, _, b, err := w.send(ctx, http.MethodGet, "/overlaps/matrix", "")
	if err != nil || code != 200 {
		return 0, fmt.Errorf("matrix: %d %v", code, err)
	}
	var m struct {
		Cells []struct{ A, B, Overlaps int64 }
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return 0, err
	}
	for _, c := range m.Cells {
		if (c.A == w.org && c.B == w.partner.org) || (c.B == w.org && c.A == w.partner.org) {
			return c.Overlaps, nil
		}
	}
	return 0, nil
}

// waitIndex polls /metrics until the overlap index is of the data version
// the server reports, and returns the time since start.
func (w *writer) waitIndex(ctx context.Context, start time.Time) (time.Duration, error) {
	for deadline := time.Now().Add(10 * time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		m, err := scrape(ctx, w.client, w.base+"/metrics")
		if err != nil {
			return 0, err
		}
		if v := m["commonground_overlap_index_data_version"]; v > 0 && v == m["commonground_data_version"] {
			return time.Since(start), nil
		}
	}
	return 0, fmt.Errorf("the overlap index was not rebuilt in 10 minutes")
}

// tileAddress is z/x/y of the tile holding lon, lat.
func tileAddress(z int, lon, lat float64) string {
	n := math.Exp2(float64(z))
	x := int((lon + 180) / 360 * n)
	r := lat * math.Pi / 180
	y := int((1 - math.Log(math.Tan(r)+1/math.Cos(r))/math.Pi) / 2 * n)
	return fmt.Sprintf("%d/%d/%d", z, x, y)
}

// tileHolds reports whether an MVT has a feature with this id.
func tileHolds(tile []byte, id int64) bool {
	layers, err := mvt.Unmarshal(tile)
	if err != nil {
		return false
	}
	for _, l := range layers {
		for _, f := range l.Features {
			if fmt.Sprint(f.ID) == fmt.Sprint(id) {
				return true
			}
		}
	}
	return false
}
