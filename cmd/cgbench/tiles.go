package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// tileAddr is a z/x/y Web Mercator tile.
type tileAddr struct{ Z, X, Y int }

func (t tileAddr) String() string { return fmt.Sprintf("%d/%d/%d", t.Z, t.X, t.Y) }

// tileAt is the tile of zoom z holding lon/lat.
func tileAt(z int, lon, lat float64) tileAddr {
	n := math.Exp2(float64(z))
	r := lat * math.Pi / 180
	x := int(math.Floor((lon + 180) / 360 * n))
	y := int(math.Floor((1 - math.Log(math.Tan(r)+1/math.Cos(r))/math.Pi) / 2 * n))
	return tileAddr{z, x, y}
}

// benchCities are eight big cities on five continents (GeoNames centres):
// the synthetic activities crowd around them, so their tiles are dense at
// every zoom.
var benchCities = [][2]float64{
	{121.45806, 31.22222},  // Shanghai
	{28.94966, 41.01384},   // Istanbul
	{-58.37723, -34.61315}, // Buenos Aires
	{72.88261, 19.07283},   // Mumbai
	{-99.12766, 19.42847},  // Mexico City
	{77.23149, 28.65195},   // Delhi
	{3.39467, 6.45407},     // Lagos
	{-74.00597, 40.71427},  // New York City
}

// z2Tiles are the eight zoom-2 tiles that hold activities, densest first
// (at 100k: 38k, 29k, 12k, 7.7k, 6.6k, 3.4k, 3.2k and 37 locations).
var z2Tiles = []tileAddr{{2, 2, 1}, {2, 3, 1}, {2, 1, 1}, {2, 1, 2}, {2, 0, 1}, {2, 2, 2}, {2, 3, 2}, {2, 2, 0}}

// tileWorkload is one layer set at one zoom over its fixed tile list.
type tileWorkload struct {
	name   string
	layers []string
	tiles  []tileAddr
	raw    bool // also measure R2 (raw points) on these tiles
}

func tileWorkloads() []tileWorkload {
	at := func(z int) []tileAddr {
		var out []tileAddr
		for _, c := range benchCities {
			out = append(out, tileAt(z, c[0], c[1]))
		}
		return out
	}
	return []tileWorkload{
		{name: "z2 clusters,countries", layers: []string{"clusters", "countries"}, tiles: z2Tiles},
		{name: "z2 clusters", layers: []string{"clusters"}, tiles: z2Tiles, raw: true},
		{name: "z6 clusters,countries", layers: []string{"clusters", "countries"}, tiles: at(6)},
		{name: "z6 clusters", layers: []string{"clusters"}, tiles: at(6), raw: true},
		{name: "z10 activities", layers: []string{"activities"}, tiles: at(10)},
		{name: "z14 activities", layers: []string{"activities"}, tiles: at(14)},
	}
}

// pick is client c's i-th tile: clients start on different tiles.
func (w tileWorkload) pick(c, i int) tileAddr { return w.tiles[(c*3+i)%len(w.tiles)] }

func (w tileWorkload) path(t tileAddr) string {
	return "/tiles/" + strings.Join(w.layers, ",") + "/" + t.String() + ".mvt"
}

// coldSeq numbers the cold requests from the clock in milliseconds, so no
// two cgbench runs against one server ask for the same key either.
var coldSeq atomic.Int64

func init() { coldSeq.Store(time.Now().UnixMilli()) }

// coldFilter returns a fresh datetime filter "start/end" for every call:
// a start in 0001-1949 and an end in 2101-9999 keep every activity (all
// have dates, within 1950-2100) but make a new cache key.
func coldFilter() tileOpts {
	k := coldSeq.Add(1)
	day := func(y int, n int64) string {
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n)).Format("2006-01-02")
	}
	return tileOpts{start: day(1, k/2_800_000%700_000), end: day(2101, k%2_800_000)}
}

func (o tileOpts) query() string { return "?datetime=" + o.start + "/" + o.end }

type tileConfig struct {
	url, db string
	lim     limits
	only    string
	jit     bool // measure R1 with jit off as well
	extra   bool // measure the SQL variants (tiles_variants.go)
	paths   string
}

func tileFlags(fs *flag.FlagSet, cfg *tileConfig) {
	fs.IntVar(&cfg.lim.clients, "clients", 4, "concurrent clients (HTTP connections or pool connections)")
	fs.DurationVar(&cfg.lim.duration, "duration", 15*time.Second, "measured time per workload and path")
	fs.DurationVar(&cfg.lim.warmup, "warmup", 2*time.Second, "unmeasured warm-up per workload and path")
	fs.IntVar(&cfg.lim.maxRequests, "max-requests", 200000, "request budget per workload and path")
	fs.StringVar(&cfg.only, "only", "", "run only the workloads whose name contains this")
	fs.BoolVar(&cfg.jit, "jit", true, "also run R1 with jit = off")
	fs.BoolVar(&cfg.extra, "variants", false, "also measure the SQL variants")
	fs.StringVar(&cfg.paths, "paths", "", "comma-separated path names to measure (cold, warm, R1, R2, VW, ...); empty: all")
}

func (cfg tileConfig) validate() error {
	if cfg.lim.clients < 1 || cfg.lim.clients > 64 || cfg.lim.duration <= 0 || cfg.lim.duration > time.Hour ||
		cfg.lim.maxRequests < 1 || cfg.lim.warmup < 0 {
		return fmt.Errorf("-clients 1..64, -duration up to 1h, -max-requests positive: %w", errUsage)
	}
	if err := localOnly(cfg.url); err != nil {
		return err
	}
	return localOnly(cfg.db)
}

func tilesCmd(ctx context.Context, fs *flag.FlagSet, args []string) error {
	var cfg tileConfig
	fs.StringVar(&cfg.url, "url", "", "the server's base URL, http://127.0.0.1:PORT")
	fs.StringVar(&cfg.db, "db", "", "the database the server reads (for the baselines)")
	tileFlags(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	run, err := measureTiles(ctx, cfg)
	if err != nil {
		return err
	}
	printTileTables(os.Stdout, []tileRun{run}, cfg)
	return nil
}

// tilePath is one measured path: failed counts 503s and statement
// timeouts, hits the answers served from the tile cache.
type tilePath struct {
	name         string
	s            stats
	failed, hits int64
}

// meanBytes is the mean size of the tiles answered (failures left out).
func (p tilePath) meanBytes() float64 {
	if n := int64(p.s.Requests) - p.failed; n > 0 {
		return float64(p.s.Bytes) / float64(n)
	}
	return 0
}

func (p tilePath) rate() float64 {
	if p.s.Elapsed <= 0 {
		return 0
	}
	return float64(int64(p.s.Requests)-p.failed) / p.s.Elapsed.Seconds()
}

type tileResult struct {
	workload string
	paths    []tilePath
}

func (r tileResult) get(name string) tilePath {
	for _, p := range r.paths {
		if p.name == name {
			return p
		}
	}
	return tilePath{}
}

// tileRun is every workload on one database, and R3 measured in the same run.
type tileRun struct {
	public  int
	results []tileResult
	r3, r3v tilePath // R3, and R3 reading the data version (-variants)
}

// errTimeout marks a request the server or PostgreSQL gave up on.
var errTimeout = errors.New("timed out")

func sqlErr(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "57014" {
		return errTimeout
	}
	return err
}

// measureTiles checks that the paths agree, then measures each workload on
// each path, one path at a time, and R3 last.
func measureTiles(ctx context.Context, cfg tileConfig) (tileRun, error) {
	run := tileRun{}
	ps, err := openTilePools(ctx, cfg.db, cfg.lim.clients, cfg.extra)
	if err != nil {
		return run, err
	}
	defer ps.close()
	if err := ps.on.QueryRow(ctx, `SELECT count(*) FROM activities WHERE visibility = 'public'`).Scan(&run.public); err != nil {
		return run, err
	}
	client := newHTTPClient(cfg.lim.clients)
	defer client.CloseIdleConnections()
	for _, w := range tileWorkloads() {
		if !strings.Contains(w.name, cfg.only) {
			continue
		}
		if err := checkTiles(ctx, client, cfg.url, ps, w, run.public); err != nil {
			return run, fmt.Errorf("%s: %w", w.name, err)
		}
		r := tileResult{workload: w.name}
		paths, err := tilePaths(ctx, client, cfg, ps, w)
		if err != nil {
			return run, fmt.Errorf("%s: %w", w.name, err)
		}
		for _, p := range paths {
			if cfg.paths != "" && !slices.Contains(strings.Split(cfg.paths, ","), p.name) {
				continue
			}
			tp, err := measurePath(ctx, cfg.lim, p)
			if err != nil {
				return run, fmt.Errorf("%s, %s: %w", w.name, p.name, err)
			}
			log.Printf("%d public, %s, %s: %.1f tiles/s, p50 %.1f ms, p99 %.1f ms, %.0f bytes, %d failed, %d hits",
				run.public, w.name, p.name, tp.rate(), tp.s.pct(50), tp.s.pct(99), tp.meanBytes(), tp.failed, tp.hits)
			r.paths = append(r.paths, tp)
		}
		run.results = append(run.results, r)
	}
	for _, p := range []struct {
		name string
		pool *pgxpool.Pool
		out  *tilePath
	}{{"R3", nil, &run.r3}, {"R3+V", ps.on, &run.r3v}} {
		if p.pool != nil && !cfg.extra {
			continue
		}
		url, stop, err := startStatic(p.pool)
		if err != nil {
			return run, err
		}
		*p.out, err = measurePath(ctx, cfg.lim, tileDo{name: p.name, do: func(ctx context.Context, c, i int, tp *tilePath) (int, error) {
			n, _, err := fetchTile(ctx, client, url)
			return n, err
		}})
		stop()
		if err != nil {
			return run, err
		}
		log.Printf("%s: %.1f req/s, p50 %.1f ms", p.name, p.out.rate(), p.out.s.pct(50))
	}
	return run, nil
}

// tileDo is one request of a path; it may count a failure or a hit in tp.
type tileDo struct {
	name string
	do   func(ctx context.Context, c, i int, tp *tilePath) (int, error)
}

func measurePath(ctx context.Context, lim limits, p tileDo) (tilePath, error) {
	var failed, hits atomic.Int64
	do := func(ctx context.Context, c, i int) (int, error) {
		var tp tilePath
		n, err := p.do(ctx, c, i, &tp)
		if errors.Is(err, errTimeout) {
			tp.failed, n, err = 1, 0, nil
		}
		failed.Add(tp.failed)
		hits.Add(tp.hits)
		return n, err
	}
	if lim.warmup > 0 {
		if _, err := drive(ctx, limits{clients: lim.clients, duration: lim.warmup, maxRequests: lim.maxRequests}, do); err != nil {
			return tilePath{name: p.name}, err
		}
	}
	failed.Store(0)
	hits.Store(0)
	s, err := drive(ctx, lim, do)
	return tilePath{name: p.name, s: s, failed: failed.Load(), hits: hits.Load()}, err
}

// tilePaths lists what is measured for w.
func tilePaths(ctx context.Context, client *http.Client, cfg tileConfig, ps tilePools, w tileWorkload) ([]tileDo, error) {
	server := func(cold bool) func(ctx context.Context, c, i int, tp *tilePath) (int, error) {
		return func(ctx context.Context, c, i int, tp *tilePath) (int, error) {
			u := cfg.url + w.path(w.pick(c, i))
			if cold {
				u += coldFilter().query()
			}
			n, cache, err := fetchTile(ctx, client, u)
			if cache == "hit" {
				tp.hits = 1
				if cold {
					return n, fmt.Errorf("GET %s: served from the cache", u)
				}
			}
			return n, err
		}
	}
	sql := func(pool *pgxpool.Pool, cold bool) func(ctx context.Context, c, i int, tp *tilePath) (int, error) {
		return func(ctx context.Context, c, i int, tp *tilePath) (int, error) {
			var o tileOpts
			if cold {
				o = coldFilter()
			}
			b, err := rawTile(ctx, pool, w.layers, w.pick(c, i), o)
			return len(b), sqlErr(err)
		}
	}
	out := []tileDo{
		{"cold", server(true)},
		{"warm", server(false)},
		{"R1", sql(ps.on, false)},
	}
	if cfg.jit {
		out = append(out, tileDo{"R1 jit off", sql(ps.off, false)})
	}
	out = append(out, tileDo{"R1 cold filter", sql(ps.on, true)})
	if w.raw {
		out = append(out, tileDo{"R2", func(ctx context.Context, c, i int, tp *tilePath) (int, error) {
			b, err := rawPoints(ctx, ps.on, w.pick(c, i))
			return len(b), sqlErr(err)
		}})
	}
	if !cfg.extra {
		return out, nil
	}
	vs, err := tileVariants(ctx, ps, w)
	return append(out, vs...), err
}

// fetchTile GETs u without compression and returns the body size and the
// X-Cache header; 503 is errTimeout, 204 an empty tile.
func fetchTile(ctx context.Context, client *http.Client, u string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Accept-Encoding", "identity")
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
	return int(n), "", fmt.Errorf("GET %s: %s", u, resp.Status)
}
