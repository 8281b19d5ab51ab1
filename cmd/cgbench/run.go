package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// runConfig is what one measurement of one database needs.
type runConfig struct {
	url, db   string
	lim       limits
	maxOffset int
	only      string // run only the workloads whose name contains this
}

// result is one workload on one database: the server and the two
// baselines.
type result struct {
	public   int // public activities
	workload string
	paths    []pathStats // server, B1, B2
}

type pathStats struct {
	name string
	s    stats
}

func (r result) get(name string) stats {
	for _, p := range r.paths {
		if p.name == name {
			return p.s
		}
	}
	return stats{}
}

func runFlags(fs *flag.FlagSet, cfg *runConfig) {
	fs.IntVar(&cfg.lim.clients, "clients", 4, "concurrent clients (HTTP connections or pool connections)")
	fs.DurationVar(&cfg.lim.duration, "duration", 20*time.Second, "measured time per workload and path")
	fs.DurationVar(&cfg.lim.warmup, "warmup", 2*time.Second, "unmeasured warm-up per workload and path")
	fs.IntVar(&cfg.lim.maxRequests, "max-requests", 200000, "request budget per workload and path")
	fs.IntVar(&cfg.maxOffset, "max-offset", 10000, "plain pages cycle through offsets below this")
	fs.StringVar(&cfg.only, "only", "", "run only the workloads whose name contains this")
}

func (cfg runConfig) validate() error {
	if cfg.lim.clients < 1 || cfg.lim.clients > 64 || cfg.lim.duration <= 0 || cfg.lim.duration > time.Hour ||
		cfg.lim.maxRequests < 1 || cfg.lim.warmup < 0 || cfg.maxOffset < 1 {
		return fmt.Errorf("-clients 1..64, -duration up to 1h, -max-requests and -max-offset positive: %w", errUsage)
	}
	if err := localOnly(cfg.url); err != nil {
		return err
	}
	return localOnly(cfg.db)
}

func runCmd(ctx context.Context, fs *flag.FlagSet, args []string) error {
	var cfg runConfig
	fs.StringVar(&cfg.url, "url", "", "the server's base URL, http://127.0.0.1:PORT")
	fs.StringVar(&cfg.db, "db", "", "the database the server reads (for the baselines)")
	runFlags(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	res, err := measureAll(ctx, cfg)
	if err != nil {
		return err
	}
	printTables(os.Stdout, res, cfg)
	return nil
}

// measureAll checks that the paths agree, then measures every workload on
// every path, one path at a time.
func measureAll(ctx context.Context, cfg runConfig) ([]result, error) {
	pool, public, err := openPool(ctx, cfg.db, cfg.lim.clients)
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	client := newHTTPClient(cfg.lim.clients)
	defer client.CloseIdleConnections()
	var out []result
	for _, w := range workloads(cfg.maxOffset) {
		if !strings.Contains(w.Name, cfg.only) {
			continue
		}
		if err := check(ctx, client, cfg.url, pool, w.request(public, 0, 0)); err != nil {
			return nil, fmt.Errorf("%s: %w", w.Name, err)
		}
		r := result{public: public, workload: w.Name}
		for _, p := range paths(client, cfg.url, pool, w, public) {
			s, err := measure(ctx, cfg.lim, p.do)
			if err != nil {
				return nil, fmt.Errorf("%s, %s: %w", w.Name, p.name, err)
			}
			log.Printf("%d public, %s, %s: %.1f req/s, p50 %.1f ms, %.0f bytes", public, w.Name, p.name, s.rps(), s.pct(50), s.meanBytes())
			r.paths = append(r.paths, pathStats{name: p.name, s: s})
		}
		out = append(out, r)
	}
	return out, nil
}

// openPool opens a pool on db (conns connections; 0: pgx's default, with
// the URL's settings) and counts the public activities there, which size
// the workloads.
func openPool(ctx context.Context, db string, conns int) (*pgxpool.Pool, int, error) {
	pc, err := pgxpool.ParseConfig(db)
	if err != nil {
		return nil, 0, err
	}
	if conns > 0 {
		pc.MaxConns = int32(conns)
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, 0, err
	}
	var public int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM activities WHERE visibility = 'public'`).Scan(&public); err != nil {
		pool.Close()
		return nil, 0, err
	}
	return pool, public, nil
}

// namedRun is a raw baseline: it answers r from the database on pool and
// writes the FeatureCollection to w, returning the bytes written.
type namedRun struct {
	name string
	run  func(ctx context.Context, pool *pgxpool.Pool, r request, w io.Writer) (int, error)
}

// baselines are the two raw bounds of issue 3: PostGIS building the
// GeoJSON (B1), and rows with WKB points encoded in Go (B2).
var baselines = []namedRun{{"B1", runB1}, {"B2", runB2}}

type namedDo struct {
	name string
	do   doFunc
}

// paths lists what is measured for workload w: the server over HTTP, then
// the baselines.
func paths(client *http.Client, base string, pool *pgxpool.Pool, w workload, public int) []namedDo {
	out := []namedDo{{"server", func(ctx context.Context, c, i int) (int, error) {
		return fetch(ctx, client, base, w.request(public, c, i), io.Discard)
	}}}
	for _, b := range baselines {
		out = append(out, namedDo{b.name, func(ctx context.Context, c, i int) (int, error) {
			return b.run(ctx, pool, w.request(public, c, i), io.Discard)
		}})
	}
	return out
}

// newHTTPClient keeps one connection per client alive and never asks for
// compression, so the server's JSON cost is compared without gzip.
func newHTTPClient(clients int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        clients,
			MaxIdleConnsPerHost: clients,
			DisableCompression:  true,
			IdleConnTimeout:     time.Minute,
		},
	}
}

// fetch GETs the items page for r and copies the body to w.
func fetch(ctx context.Context, client *http.Client, base string, r request, w io.Writer) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/collections/activities/items?"+r.query(), nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", "application/geo+json")
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return int(n), err
	}
	if resp.StatusCode != http.StatusOK {
		return int(n), fmt.Errorf("GET %s: %s", req.URL, resp.Status)
	}
	if resp.Header.Get("Content-Encoding") != "" {
		return int(n), fmt.Errorf("GET %s: compressed (%s) although identity was asked", req.URL, resp.Header.Get("Content-Encoding"))
	}
	return int(n), nil
}
