package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/postgis"
)

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
var z2Tiles = []geo.Tile{{Z: 2, X: 2, Y: 1}, {Z: 2, X: 3, Y: 1}, {Z: 2, X: 1, Y: 1}, {Z: 2, X: 1, Y: 2},
	{Z: 2, X: 0, Y: 1}, {Z: 2, X: 2, Y: 2}, {Z: 2, X: 3, Y: 2}, {Z: 2, X: 2, Y: 0}}

// tileWorkload is one layer set at one zoom over its fixed tile list.
type tileWorkload struct {
	name   string
	layers []string
	tiles  []geo.Tile
	raw    bool // also measure R2 (raw points) on these tiles
}

func tileWorkloads() []tileWorkload {
	at := func(z int) []geo.Tile {
		var out []geo.Tile
		for _, c := range benchCities {
			out = append(out, geo.TileAt(z, c[0], c[1]))
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
func (w tileWorkload) pick(c, i int) geo.Tile { return w.tiles[(c*3+i)%len(w.tiles)] }

func (w tileWorkload) path(t geo.Tile) string {
	return "/tiles/" + strings.Join(w.layers, ",") + "/" + t.String() + ".mvt"
}

type tileConfig struct {
	url, coldURL, db string
	serverJIT        string // the servers' COMMONGROUND_DB_JIT: R1 with the same JIT is cold's reference
	lim              limits
	only             string
	paths            string
}

// tilePathNames are the paths measured per workload, in order (R2 only on
// the workloads with raw set).
var tilePathNames = []string{"cold", "warm", "R1", "R1 jit off", "R2"}

func tileFlags(fs *flag.FlagSet, cfg *tileConfig) {
	fs.IntVar(&cfg.lim.clients, "clients", 4, "concurrent clients (HTTP connections or pool connections)")
	fs.DurationVar(&cfg.lim.duration, "duration", 15*time.Second, "measured time per workload and path")
	fs.DurationVar(&cfg.lim.warmup, "warmup", 2*time.Second, "unmeasured warm-up per workload and path")
	fs.IntVar(&cfg.lim.maxRequests, "max-requests", 200000, "request budget per workload and path")
	fs.StringVar(&cfg.only, "only", "", "run only the workloads whose name contains this")
	fs.StringVar(&cfg.serverJIT, "server-jit", "on", "the servers' PostgreSQL JIT (COMMONGROUND_DB_JIT): on or off; cold is compared with R1 under the same")
	fs.StringVar(&cfg.paths, "paths", "", "comma-separated path names to measure ("+strings.Join(tilePathNames, ", ")+"); empty: all")
}

// validate checks the flags and the URLs.
func (cfg tileConfig) validate() error {
	if err := cfg.validateFlags(); err != nil {
		return err
	}
	if cfg.url == "" || cfg.db == "" {
		return fmt.Errorf("-url and -db are required: %w", errUsage)
	}
	for _, u := range []string{cfg.url, cfg.coldURL, cfg.db} {
		if u == "" {
			continue // no cold server
		}
		if err := localOnly(u); err != nil {
			return err
		}
	}
	return nil
}

// validateFlags checks what tileFlags sets.
func (cfg tileConfig) validateFlags() error {
	if cfg.lim.clients < 1 || cfg.lim.clients > 64 || cfg.lim.duration <= 0 || cfg.lim.duration > time.Hour ||
		cfg.lim.maxRequests < 1 || cfg.lim.warmup < 0 {
		return fmt.Errorf("-clients 1..64, -duration up to 1h, -max-requests positive: %w", errUsage)
	}
	if cfg.serverJIT != "on" && cfg.serverJIT != "off" {
		return fmt.Errorf("-server-jit must be on or off: %w", errUsage)
	}
	for _, p := range strings.Split(cfg.paths, ",") {
		if cfg.paths != "" && !slices.Contains(tilePathNames, p) {
			return fmt.Errorf("-paths: %q is not one of %s: %w", p, strings.Join(tilePathNames, ", "), errUsage)
		}
	}
	return nil
}

// r1Name is the R1 path with the servers' JIT, the reference for cold.
func (cfg tileConfig) r1Name() string {
	if cfg.serverJIT == "off" {
		return "R1 jit off"
	}
	return "R1"
}

func (cfg tileConfig) measures(path string) bool {
	return cfg.paths == "" || slices.Contains(strings.Split(cfg.paths, ","), path)
}

func tilesCmd(ctx context.Context, fs *flag.FlagSet, args []string) error {
	var cfg tileConfig
	fs.StringVar(&cfg.url, "url", "", "the warm server's base URL, http://127.0.0.1:PORT (tile cache on)")
	fs.StringVar(&cfg.coldURL, "cold-url", "", "the cold server's base URL: the same binary and database with COMMONGROUND_TILE_CACHE_MB=0 (empty: no cold path)")
	fs.StringVar(&cfg.db, "db", "", "the database the servers read (for R1, R2 and the aggregates' state)")
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

// tileRun is every workload on one database, R3 measured in the same run,
// and the precomputed aggregates' last rebuild (tile_aggregates_state) and
// how long measuring waited for them after the servers started.
type tileRun struct {
	public          int
	results         []tileResult
	r3              tilePath
	rebuild, waited time.Duration
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

// r1Stores are R1: the server's store code in process, on pools of the
// benchmark's concurrency, with PostgreSQL JIT on and off; raw is R2's pool
// (JIT as the servers run it). All have the servers' default
// statement_timeout, so a runaway query counts as a timeout as it would
// there.
type r1Stores struct {
	on, off *postgis.Store
	raw     *pgxpool.Pool
}

const serverStatementTimeout = 5 * time.Second

func openR1(ctx context.Context, cfg tileConfig) (r1Stores, error) {
	var ps r1Stores
	for _, s := range []struct {
		out **postgis.Store
		jit string
	}{{&ps.on, "on"}, {&ps.off, "off"}} {
		var err error
		*s.out, err = postgis.Open(ctx, postgis.Config{URL: cfg.db, MaxConns: int32(cfg.lim.clients), JIT: s.jit,
			QueryVersion: true, StatementTimeout: serverStatementTimeout})
		if err != nil {
			ps.close()
			return ps, err
		}
	}
	pc, err := pgxpool.ParseConfig(cfg.db)
	if err != nil {
		ps.close()
		return ps, err
	}
	pc.MaxConns = int32(cfg.lim.clients)
	pc.ConnConfig.RuntimeParams["statement_timeout"] = fmt.Sprint(serverStatementTimeout.Milliseconds())
	pc.ConnConfig.RuntimeParams["jit"] = cfg.serverJIT
	if ps.raw, err = pgxpool.NewWithConfig(ctx, pc); err != nil {
		ps.close()
		return ps, err
	}
	return ps, nil
}

func (ps r1Stores) close() {
	for _, s := range []*postgis.Store{ps.on, ps.off} {
		if s != nil {
			s.Close()
		}
	}
	if ps.raw != nil {
		ps.raw.Close()
	}
}

// r1Tile is Store.Tile for the public, unfiltered, as the servers call it
// for an anonymous request without parameters.
func r1Tile(ctx context.Context, s *postgis.Store, layers []string, t geo.Tile) ([]byte, error) {
	return s.Tile(ctx, geo.Viewer{Kind: geo.Anonymous}, layers, t, geo.ActivityFilter{})
}

// aggregatesWait and aggregatesPoll bound waitAggregates.
const (
	aggregatesWait = 30 * time.Minute
	aggregatesPoll = 500 * time.Millisecond
)

// waitAggregates polls until the precomputed tile aggregates are of the
// current data version (the servers rebuild them in the background after
// they start) and returns how long their last rebuild took.
func waitAggregates(ctx context.Context, pool *pgxpool.Pool) (rebuild, waited time.Duration, err error) {
	start := time.Now()
	logged := start
	for {
		var fresh bool
		var secs *float64
		err := pool.QueryRow(ctx, `SELECT s.version = d.version, extract(epoch from s.duration)::float8
			FROM tile_aggregates_state s, data_version d`).Scan(&fresh, &secs)
		if err != nil {
			return 0, time.Since(start), fmt.Errorf("tile aggregates state: %w", err)
		}
		if fresh && secs != nil {
			return time.Duration(*secs * float64(time.Second)), time.Since(start), nil
		}
		if time.Since(start) > aggregatesWait {
			return 0, time.Since(start), fmt.Errorf("the tile aggregates are still not fresh after %s", aggregatesWait)
		}
		if time.Since(logged) >= 30*time.Second {
			log.Printf("waiting for the tile aggregates to be rebuilt (%s so far)", time.Since(start).Round(time.Second))
			logged = time.Now()
		}
		select {
		case <-ctx.Done():
			return 0, time.Since(start), ctx.Err()
		case <-time.After(aggregatesPoll):
		}
	}
}

// measureTiles waits for fresh aggregates, checks that the paths agree,
// then measures each workload on each path, one path at a time, and R3
// last.
func measureTiles(ctx context.Context, cfg tileConfig) (tileRun, error) {
	run := tileRun{}
	ps, err := openR1(ctx, cfg)
	if err != nil {
		return run, err
	}
	defer ps.close()
	if err := ps.raw.QueryRow(ctx, `SELECT count(*) FROM activities WHERE visibility = 'public'`).Scan(&run.public); err != nil {
		return run, err
	}
	if run.rebuild, run.waited, err = waitAggregates(ctx, ps.raw); err != nil {
		return run, err
	}
	log.Printf("%d public: tile aggregates fresh (last rebuild %s; waited %s)", run.public,
		run.rebuild.Round(time.Millisecond), run.waited.Round(time.Millisecond))
	warm, cold := newHTTPClient(cfg.lim.clients), newHTTPClient(cfg.lim.clients)
	defer warm.CloseIdleConnections()
	defer cold.CloseIdleConnections()
	for _, w := range tileWorkloads() {
		if !strings.Contains(w.name, cfg.only) {
			continue
		}
		if err := checkTiles(ctx, warm, cold, cfg, ps, w, run.public); err != nil {
			return run, fmt.Errorf("%s: %w", w.name, err)
		}
		r := tileResult{workload: w.name}
		for _, p := range tilePaths(warm, cold, cfg, ps, w) {
			if !cfg.measures(p.name) {
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
	url, stop, err := startStatic()
	if err != nil {
		return run, err
	}
	run.r3, err = measurePath(ctx, cfg.lim, tileDo{name: "R3", do: func(ctx context.Context, c, i int, tp *tilePath) (int, error) {
		n, _, err := fetchTile(ctx, warm, url)
		return n, err
	}})
	stop()
	if err != nil {
		return run, err
	}
	log.Printf("R3: %.1f req/s, p50 %.1f ms", run.r3.rate(), run.r3.s.pct(50))
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

// tilePaths lists what is measured for w: the cold server (when there is
// one; every answer must be a cache miss), the warm one (hits counted),
// R1 with JIT on and off, and R2 on the raw workloads.
func tilePaths(warm, cold *http.Client, cfg tileConfig, ps r1Stores, w tileWorkload) []tileDo {
	server := func(client *http.Client, base string, isCold bool) func(ctx context.Context, c, i int, tp *tilePath) (int, error) {
		return func(ctx context.Context, c, i int, tp *tilePath) (int, error) {
			u := base + w.path(w.pick(c, i))
			n, cache, err := fetchTile(ctx, client, u)
			if cache == "hit" {
				tp.hits = 1
				if isCold {
					return n, fmt.Errorf("GET %s: served from the cache by the cold server", u)
				}
			}
			return n, err
		}
	}
	r1 := func(s *postgis.Store) func(ctx context.Context, c, i int, tp *tilePath) (int, error) {
		return func(ctx context.Context, c, i int, tp *tilePath) (int, error) {
			b, err := r1Tile(ctx, s, w.layers, w.pick(c, i))
			return len(b), sqlErr(err)
		}
	}
	var out []tileDo
	if cfg.coldURL != "" {
		out = append(out, tileDo{"cold", server(cold, cfg.coldURL, true)})
	}
	out = append(out, tileDo{"warm", server(warm, cfg.url, false)}, tileDo{"R1", r1(ps.on)}, tileDo{"R1 jit off", r1(ps.off)})
	if w.raw {
		out = append(out, tileDo{"R2", func(ctx context.Context, c, i int, tp *tilePath) (int, error) {
			b, err := rawPoints(ctx, ps.raw, w.pick(c, i))
			return len(b), sqlErr(err)
		}})
	}
	return out
}

// fetchTile GETs u anonymously without compression and returns the body
// size and the X-Cache header; 503 is errTimeout, 204 an empty tile.
func fetchTile(ctx context.Context, client *http.Client, u string) (int, string, error) {
	return getAs(ctx, client, u, viewer{name: "anonymous"})
}
