package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// webConfig is what `cgbench web` needs besides the databases.
type webConfig struct {
	node, script, chromium string
	runs, warmup           int
	phoneSize              int    // activities at which the phone viewport is measured too; 0: never
	traceDir               string // where the traced visits' Chromium traces go; "": no trace
	timeout                time.Duration
}

// webViewport is a browser window the page is loaded in.
type webViewport struct {
	name          string // "desktop" or "phone"
	width, height int
	dpr           float64
	mobile        bool
}

var (
	desktopViewport = webViewport{name: "desktop", width: 1280, height: 800, dpr: 1}
	// phoneViewport is an iPhone 12-15's CSS viewport and pixel ratio.
	phoneViewport = webViewport{name: "phone", width: 390, height: 844, dpr: 3, mobile: true}
)

func (v webViewport) String() string {
	return fmt.Sprintf("%dx%d@%gx", v.width, v.height, v.dpr)
}

// webVisit is one page load as bench-idle.mjs reports it (all times in ms
// since navigation start, taken in the page; bytes as transferred, headers
// included, for the requests that ended before idle).
type webVisit struct {
	Kind         string             `json:"kind"`
	State        string             `json:"state"`
	IdleMS       float64            `json:"idle_ms"`
	Requests     int                `json:"requests"`
	Bytes        int64              `json:"bytes"`
	Tiles        int                `json:"tiles"`
	TileURLs     int                `json:"tile_urls"` // distinct tiles among them
	TileBytes    int64              `json:"tile_bytes"`
	JSBytes      int64              `json:"js_bytes"`
	CSSBytes     int64              `json:"css_bytes"`
	LateRequests int                `json:"late_requests"`
	Phases       map[string]float64 `json:"phases"`
	Errors       []string           `json:"errors"`
	Warmup       bool               `json:"warmup"`
	Browser      string             `json:"browser"`
}

// webTrace is the summary of the traced visit: top-level task time per
// thread and, on the renderer's main thread, the inclusive time of the
// event kinds that say where it went, before idle.
type webTrace struct {
	Kind   string             `json:"kind"`
	IdleMS float64            `json:"idle_ms"`
	BusyMS map[string]float64 `json:"busy_ms"`
	MainMS map[string]float64 `json:"main_ms"`
	Error  string             `json:"error"`
}

// webCase is one (size, viewport, server cache) measurement.
type webCase struct {
	public   int
	viewport webViewport
	cache    string // "cold" (server tile cache off) or "warm"
	visits   []webVisit
	trace    *webTrace
	load     [2]string // /proc/loadavg's 1-minute figure before and after
}

// webPhases are the phase boundaries reported, in timeline order, with the
// names bench-idle.mjs gives them.
var webPhases = []struct{ key, label string }{
	{"html_end", "HTML in"},
	{"bundle_end", "JS bundle in"},
	{"style_start", "style.json asked"},
	{"style_end", "style.json in"},
	{"tilejson_end", "TileJSON in"},
	{"worker_end", "worker JS in"},
	{"tiles_start", "first tile asked"},
	{"tiles_end", "last tile in"},
}

// parseWebOutput reads bench-idle.mjs's stdout: one JSON object per line.
// It fails on a visit that did not reach idle or met page errors.
func parseWebOutput(r io.Reader) (visits []webVisit, trace *webTrace, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		var head struct{ Kind string }
		if err := json.Unmarshal(text, &head); err != nil {
			return nil, nil, fmt.Errorf("line %d: not JSON: %q", line, truncate(string(text), 120))
		}
		switch head.Kind {
		case "visit":
			var v webVisit
			if err := json.Unmarshal(text, &v); err != nil {
				return nil, nil, fmt.Errorf("line %d: %w", line, err)
			}
			if v.State != "idle" {
				return nil, nil, fmt.Errorf("line %d: the map ended in state %q (%s)", line, v.State, strings.Join(v.Errors, "; "))
			}
			if len(v.Errors) > 0 {
				return nil, nil, fmt.Errorf("line %d: the page met errors: %s", line, strings.Join(v.Errors, "; "))
			}
			visits = append(visits, v)
		case "trace":
			var t webTrace
			if err := json.Unmarshal(text, &t); err != nil {
				return nil, nil, fmt.Errorf("line %d: %w", line, err)
			}
			trace = &t
		default:
			return nil, nil, fmt.Errorf("line %d: unknown kind %q", line, head.Kind)
		}
	}
	return visits, trace, sc.Err()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// summary is the median, nearest-rank 90th percentile and minimum of xs.
type summary struct {
	n                int
	median, p90, min float64
}

func summarize(xs []float64) summary {
	if len(xs) == 0 {
		return summary{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	var median float64
	if len(s)%2 == 1 {
		median = s[len(s)/2]
	} else {
		median = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	rank := int(math.Ceil(0.9 * float64(len(s)))) // nearest rank, 1-based
	return summary{n: len(s), median: median, p90: s[rank-1], min: s[0]}
}

// measured drops the warm-up visits.
func measured(vs []webVisit) []webVisit {
	var out []webVisit
	for _, v := range vs {
		if !v.Warmup {
			out = append(out, v)
		}
	}
	return out
}

// field collects one number from each visit.
func field(vs []webVisit, f func(webVisit) float64) []float64 {
	out := make([]float64, 0, len(vs))
	for _, v := range vs {
		out = append(out, f(v))
	}
	return out
}

// phase is a phase boundary's value in one visit, or -1 if not seen.
func (v webVisit) phase(key string) float64 {
	if x, ok := v.Phases[key]; ok {
		return x
	}
	return -1
}

func webCmd(ctx context.Context, fs *flag.FlagSet, args []string) error {
	var cfg webConfig
	sf := addSizedFlags(fs, "the commonground binary, built with the web app embedded (make build)", "10000,100000")
	fs.StringVar(&cfg.node, "node", "node", "the Node.js executable")
	fs.StringVar(&cfg.script, "script", "frontend/e2e/bench-idle.mjs", "the browser script (needs frontend/node_modules)")
	fs.StringVar(&cfg.chromium, "chromium", "/usr/bin/chromium", "the Chromium executable")
	fs.IntVar(&cfg.runs, "runs", 10, "measured visits per case, each in a fresh browser context")
	fs.IntVar(&cfg.warmup, "warmup", 1, "unmeasured visits before them (at least 1: they fill the warm server's cache)")
	fs.IntVar(&cfg.phoneSize, "phone-size", 100000, "also measure the phone viewport (390x844 at 3x) at this size; 0: never")
	fs.StringVar(&cfg.traceDir, "trace-dir", "frontend/e2e/artifacts", "one more visit per desktop case is traced into this directory; empty: none")
	fs.DurationVar(&cfg.timeout, "timeout", time.Minute, "how long one visit may take to reach idle")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if cfg.runs < 1 || cfg.runs > 1000 || cfg.warmup < 1 || cfg.warmup > 100 || cfg.timeout < time.Second {
		return fmt.Errorf("-runs 1..1000, -warmup 1..100, -timeout at least 1s: %w", errUsage)
	}
	ns, err := sf.parse()
	if err != nil {
		return err
	}
	for _, p := range []string{*sf.bin, cfg.script, cfg.chromium} {
		if _, err := os.Stat(p); err != nil {
			return err
		}
	}
	if cfg.traceDir != "" {
		if err := os.MkdirAll(cfg.traceDir, 0o755); err != nil {
			return err
		}
	}
	var cases []webCase
	for _, n := range ns {
		db, err := seededDatabase(ctx, *sf.admin, *sf.bin, n)
		if err != nil {
			return err
		}
		cs, err := webOneSize(ctx, cfg, *sf.bin, db, n)
		cases = append(cases, cs...)
		printWebTables(os.Stderr, cs) // each size as soon as it is done
		if err != nil {
			return err
		}
	}
	printWebTables(os.Stdout, cases)
	return nil
}

// webOneSize serves db twice (warm: tile cache on; cold: off), waits until
// both have built what they build in the background, then loads the page
// in each case.
func webOneSize(ctx context.Context, cfg webConfig, bin, db string, n int) ([]webCase, error) {
	warm, cold, stop, err := startWarmCold(ctx, bin, db)
	if err != nil {
		return nil, err
	}
	defer stop()
	pool, public, err := openPool(ctx, db, 0)
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	if _, waited, err := waitAggregates(ctx, pool); err != nil {
		return nil, err
	} else {
		log.Printf("%d public: tile aggregates fresh (waited %s)", public, waited.Round(time.Millisecond))
	}
	for _, u := range []string{warm, cold} {
		if _, _, err := waitOverlapIndex(ctx, u, 30*time.Minute); err != nil {
			return nil, err
		}
	}
	log.Printf("%d public: both servers have their overlap index", public)

	viewports := []webViewport{desktopViewport}
	if n == cfg.phoneSize {
		viewports = append(viewports, phoneViewport)
	}
	var out []webCase
	for _, vp := range viewports {
		for _, c := range []struct{ name, url string }{{"cold", cold}, {"warm", warm}} {
			wc := webCase{public: public, viewport: vp, cache: c.name}
			trace := ""
			if cfg.traceDir != "" && vp == desktopViewport {
				trace = filepath.Join(cfg.traceDir, fmt.Sprintf("web-%s-%s-%s.json", sizeLabel(n), vp.name, c.name))
			}
			wc.load[0] = loadAverage()
			wc.visits, wc.trace, err = runBrowser(ctx, cfg, c.url, vp, trace)
			wc.load[1] = loadAverage()
			if err != nil {
				return out, fmt.Errorf("%s, %s %s: %w", sizeLabel(n), vp.name, c.name, err)
			}
			out = append(out, wc)
		}
	}
	return out, nil
}

// runBrowser runs bench-idle.mjs against url and parses what it prints.
func runBrowser(ctx context.Context, cfg webConfig, url string, vp webViewport, trace string) ([]webVisit, *webTrace, error) {
	args := []string{cfg.script, "--url", url + "/", "--runs", strconv.Itoa(cfg.runs), "--warmup", strconv.Itoa(cfg.warmup),
		"--viewport", fmt.Sprintf("%dx%d", vp.width, vp.height), "--dpr", strconv.FormatFloat(vp.dpr, 'g', -1, 64),
		"--chromium", cfg.chromium, "--timeout", strconv.FormatInt(cfg.timeout.Milliseconds(), 10)}
	if vp.mobile {
		args = append(args, "--mobile")
	}
	if trace != "" {
		args = append(args, "--trace", trace)
	}
	cmd := exec.CommandContext(ctx, cfg.node, args...)
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
	log.Printf("browser: %s %s", cfg.node, strings.Join(args, " "))
	if err := cmd.Run(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", cfg.script, err)
	}
	visits, tr, err := parseWebOutput(&stdout)
	if err != nil {
		return nil, nil, err
	}
	if got := len(measured(visits)); got != cfg.runs {
		return nil, nil, fmt.Errorf("%d measured visits reported, %d asked", got, cfg.runs)
	}
	return visits, tr, nil
}

// loadAverage is the 1-minute load average, for the record.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

func kb(x float64) string { return fmt.Sprintf("%.0f kB", x/1000) }

// printWebTables writes the time to idle, what was fetched, the phases and
// the traces as markdown.
func printWebTables(w io.Writer, cases []webCase) {
	if len(cases) == 0 {
		return
	}
	fmt.Fprintln(w, "| public activities | viewport | server tile cache | visits | idle median ms | p90 ms | min ms | tile requests (distinct, kB) | requests (kB) | JS kB | load before/after |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|")
	for _, c := range cases {
		vs := measured(c.visits)
		idle := summarize(field(vs, func(v webVisit) float64 { return v.IdleMS }))
		med := func(f func(webVisit) float64) float64 { return summarize(field(vs, f)).median }
		fmt.Fprintf(w, "| %s | %s %s | %s | %d | %.0f | %.0f | %.0f | %.0f (%.0f, %s) | %.0f (%s) | %s | %s / %s |\n",
			thousands(c.public), c.viewport.name, c.viewport, c.cache, idle.n, idle.median, idle.p90, idle.min,
			med(func(v webVisit) float64 { return float64(v.Tiles) }), med(func(v webVisit) float64 { return float64(v.TileURLs) }),
			kb(med(func(v webVisit) float64 { return float64(v.TileBytes) })),
			med(func(v webVisit) float64 { return float64(v.Requests) }), kb(med(func(v webVisit) float64 { return float64(v.Bytes) })),
			strings.TrimSuffix(kb(med(func(v webVisit) float64 { return float64(v.JSBytes) })), " kB"), c.load[0], c.load[1])
	}
	fmt.Fprintln(w)
	header, rule := "| public activities | viewport | server tile cache |", "|---|---|---|"
	for _, p := range webPhases {
		header += " " + p.label + " |"
		rule += "---|"
	}
	fmt.Fprintln(w, "Phases, median ms since navigation start (a phase not seen: -):")
	fmt.Fprintln(w)
	fmt.Fprintln(w, header+" idle |")
	fmt.Fprintln(w, rule+"---|")
	for _, c := range cases {
		vs := measured(c.visits)
		row := fmt.Sprintf("| %s | %s | %s |", thousands(c.public), c.viewport.name, c.cache)
		for _, p := range webPhases {
			xs := field(vs, func(v webVisit) float64 { return v.phase(p.key) })
			if slices.Contains(xs, -1) {
				row += " - |"
				continue
			}
			row += fmt.Sprintf(" %.0f |", summarize(xs).median)
		}
		row += fmt.Sprintf(" %.0f |", summarize(field(vs, func(v webVisit) float64 { return v.IdleMS })).median)
		fmt.Fprintln(w, row)
	}
	for _, c := range cases {
		if c.trace == nil {
			continue
		}
		fmt.Fprintf(w, "\nTraced visit, %s public, %s, %s cache: idle after %.0f ms", thousands(c.public), c.viewport.name, c.cache, c.trace.IdleMS)
		if c.trace.Error != "" {
			fmt.Fprintf(w, " (%s)\n", c.trace.Error)
			continue
		}
		fmt.Fprintf(w, "; busy ms per thread: %s; renderer main thread, inclusive ms: %s\n", topMS(c.trace.BusyMS, 4), topMS(c.trace.MainMS, 6))
	}
}

// topMS lists the n largest entries of m, largest first.
func topMS(m map[string]float64, n int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if m[a] != m[b] {
			if m[a] > m[b] {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	var parts []string
	for _, k := range keys[:min(n, len(keys))] {
		parts = append(parts, fmt.Sprintf("%s %.0f", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

// thousands writes n with commas: 99895 is 99,895.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
