package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// overlapRequests are what `cgbench overlaps-all` times: the unfiltered
// list, matrix and hotspots, filtered requests a secretariat would make
// ("overlaps on resilience in Eastern Africa this year"), and one
// activity's overlaps as its detail panel asks for them.
var overlapRequests = []string{
	"/overlaps?limit=10",
	"/overlaps/matrix",
	"/overlaps/hotspots?limit=10",
	"/overlaps?limit=10&country=KE",
	"/overlaps/matrix?country=KE",
	"/overlaps?limit=10&region=014&theme=resilience&datetime=2026-01-01/2026-12-31",
	"/overlaps?limit=10&country=IN&theme=resilience",
	"/overlaps/matrix?country=IN&theme=resilience",
	"/activities/{best}/overlaps?limit=10",
}

// bestActivity is what {best} in a request stands for: the first activity
// of the best overlap, one at a busy place.
func bestActivity(ctx context.Context, client *http.Client, url string) (string, error) {
	status, body, err := httpGet(ctx, client, url+"/overlaps?limit=1")
	if err != nil {
		return "", err
	}
	if status != http.StatusOK {
		return "", fmt.Errorf("/overlaps?limit=1: HTTP %d", status)
	}
	var d struct {
		Overlaps []struct{ A struct{ ID int64 } }
	}
	if err := json.Unmarshal(body, &d); err != nil {
		return "", err
	}
	if len(d.Overlaps) == 0 {
		return "", fmt.Errorf("no overlaps for {best}")
	}
	return strconv.FormatInt(d.Overlaps[0].A.ID, 10), nil
}

// overlapTiming is one request's latencies over the repetitions.
type overlapTiming struct {
	path    string
	times   []time.Duration
	status  int
	matched string // numberMatched, or the matrix's overlaps
}

// overlapsAllCmd seeds each size, serves it with a generous statement
// timeout and times each of overlapRequests -reps times, one request at a
// time (the answers are not cached in the server).
func overlapsAllCmd(ctx context.Context, fs *flag.FlagSet, args []string) error {
	admin := fs.String("admin", "", "URL of the PostgreSQL server (any database); the benchmark databases are cg_bench_<size>")
	bin := fs.String("bin", "bin/commonground", "the commonground binary: seeds the databases and serves")
	sizes := fs.String("sizes", "10000,100000,1000000", "comma-separated numbers of activities")
	reps := fs.Int("reps", 3, "timed repetitions of each request (after one untimed)")
	timeout := fs.Duration("timeout", 60*time.Second, "statement timeout of the server; slower requests count as timed out")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *reps < 1 || *timeout < time.Second {
		return fmt.Errorf("-reps at least 1, -timeout at least 1s: %w", errUsage)
	}
	ns, err := parseSizes(*sizes)
	if err != nil {
		return err
	}
	if err := localOnly(*admin); err != nil {
		return err
	}
	results := map[int][]overlapTiming{}
	indexes := map[int][2]float64{}
	for _, n := range ns {
		db, err := seededDatabase(ctx, *admin, *bin, n)
		if err != nil {
			return err
		}
		url, stop, err := startServer(ctx, *bin, db, "COMMONGROUND_STATEMENT_TIMEOUT="+timeout.String(),
			"COMMONGROUND_HANDLER_TIMEOUT="+(*timeout+5*time.Second).String(), "COMMONGROUND_WRITE_TIMEOUT="+(*timeout+10*time.Second).String())
		if err != nil {
			return err
		}
		client := &http.Client{Timeout: *timeout + 15*time.Second}
		built, pairs, err := waitOverlapIndex(ctx, url, 30*time.Minute)
		if err != nil {
			stop()
			return err
		}
		log.Printf("%d activities: overlap index of %.0f overlaps built in %.1f s", n, pairs, built)
		indexes[n] = [2]float64{built, pairs}
		best, err := bestActivity(ctx, client, url)
		if err != nil {
			stop()
			return err
		}
		log.Printf("%d activities: {best} is activity %s", n, best)
		for _, path := range overlapRequests {
			ot, err := timeOverlap(ctx, client, url+strings.ReplaceAll(path, "{best}", best), *reps)
			ot.path = path
			if err != nil {
				stop()
				return fmt.Errorf("%s: %w", path, err)
			}
			log.Printf("%d activities, %s: %d, %s matched, %v", n, path, ot.status, ot.matched, ot.times)
			results[n] = append(results[n], ot)
		}
		stop()
	}
	printOverlapTable(os.Stdout, ns, results)
	fmt.Println()
	fmt.Println("| activities | overlap index build s | overlaps (public, default parameters) |")
	fmt.Println("|---|---|---|")
	for _, n := range ns {
		fmt.Printf("| %s | %.1f | %.0f |\n", sizeLabel(n), indexes[n][0], indexes[n][1])
	}
	return nil
}

// waitOverlapIndex polls the server's metrics until its overlap index is
// of the current data version, and returns its build time and size.
func waitOverlapIndex(ctx context.Context, url string, limit time.Duration) (seconds, overlaps float64, err error) {
	client := &http.Client{Timeout: 10 * time.Second}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		m, err := scrape(ctx, client, url+"/metrics")
		if err != nil {
			return 0, 0, err
		}
		if v := m["commonground_overlap_index_data_version"]; v > 0 && v == m["commonground_data_version"] {
			return m["commonground_overlap_index_build_seconds"], m["commonground_overlap_index_overlaps"], nil
		}
		select {
		case <-ctx.Done():
			return 0, 0, ctx.Err()
		case <-time.After(time.Second):
		}
	}
	return 0, 0, fmt.Errorf("the overlap index was not built within %v", limit)
}

// scrape reads the unlabelled samples of a Prometheus text page.
func scrape(ctx context.Context, client *http.Client, u string) (map[string]float64, error) {
	_, body, err := httpGet(ctx, client, u)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for _, line := range strings.Split(string(body), "\n") {
		name, value, ok := strings.Cut(line, " ")
		if !ok || strings.HasPrefix(line, "#") || strings.Contains(name, "{") {
			continue
		}
		if f, err := strconv.ParseFloat(strings.TrimSpace(value), 64); err == nil {
			out[name] = f
		}
	}
	return out, nil
}

// timeOverlap GETs u once untimed, then reps times; a 503 (statement
// timeout) is timed once and not repeated.
func timeOverlap(ctx context.Context, client *http.Client, u string, reps int) (overlapTiming, error) {
	var ot overlapTiming
	for i := 0; i <= reps; i++ {
		start := time.Now()
		status, body, err := httpGet(ctx, client, u)
		if err != nil {
			return ot, err
		}
		elapsed := time.Since(start)
		ot.status = status
		switch status {
		case http.StatusOK:
		case http.StatusServiceUnavailable:
			ot.times = []time.Duration{elapsed}
			return ot, nil
		default:
			return ot, fmt.Errorf("HTTP %d: %s", status, body)
		}
		var d struct {
			NumberMatched *int64 `json:"numberMatched"`
			Overlaps      any    `json:"overlaps"`
		}
		if err := json.Unmarshal(body, &d); err != nil {
			return ot, err
		}
		switch {
		case d.NumberMatched != nil:
			ot.matched = fmt.Sprint(*d.NumberMatched)
		case d.Overlaps != nil:
			if f, ok := d.Overlaps.(float64); ok {
				ot.matched = strconv.FormatFloat(f, 'f', 0, 64)
			}
		}
		if i > 0 {
			ot.times = append(ot.times, elapsed)
		}
	}
	return ot, nil
}

func printOverlapTable(w io.Writer, ns []int, results map[int][]overlapTiming) {
	header := "| request |"
	rule := "|---|"
	for _, n := range ns {
		header += fmt.Sprintf(" %s: median s (matched) |", sizeLabel(n))
		rule += "---|"
	}
	fmt.Fprintln(w, header)
	fmt.Fprintln(w, rule)
	for i, path := range overlapRequests {
		row := "| `" + path + "` |"
		for _, n := range ns {
			if i >= len(results[n]) {
				row += " |"
				continue
			}
			row += " " + overlapCell(results[n][i]) + " |"
		}
		fmt.Fprintln(w, row)
	}
}

// overlapCell is the median latency and what matched, or the timeout.
func overlapCell(ot overlapTiming) string {
	if len(ot.times) == 0 {
		return ""
	}
	if ot.status == http.StatusServiceUnavailable {
		return fmt.Sprintf("over %.0f (timed out)", ot.times[0].Seconds())
	}
	ts := slices.Clone(ot.times)
	slices.Sort(ts)
	cell := fmt.Sprintf("%.3f", ts[len(ts)/2].Seconds())
	if ot.matched != "" {
		cell += " (" + strings.TrimSpace(ot.matched) + ")"
	}
	return cell
}
