package main

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// printTileTables writes the tile tables as markdown: per size and
// workload the server cold and warm against R1 and R3, then R2 on the raw
// workloads, then R3 and the aggregates' rebuild per size.
func printTileTables(w io.Writer, runs []tileRun, cfg tileConfig) {
	fmt.Fprintf(w, "\n%d clients, %s per path and workload after %s warm-up; servers (PostgreSQL JIT %s), PostgreSQL and cgbench on the same machine.\n\n",
		cfg.lim.clients, cfg.lim.duration, cfg.lim.warmup, cfg.serverJIT)
	fmt.Fprintf(w, "| tiles | public activities | cold tiles/s | cold p50/p95/p99 ms | warm tiles/s | warm p50/p95/p99 ms | bytes | R1 jit on | R1 jit off | cold / R1 (jit %s) | warm / R3 |\n", cfg.serverJIT)
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|")
	each(runs, func(run tileRun, r tileResult) {
		cold, warm, on, off := r.get("cold"), r.get("warm"), r.get("R1"), r.get("R1 jit off")
		bytes := cold
		if bytes.s.Requests == 0 {
			bytes = warm
		}
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", r.workload, run.public,
			rateCell(cold), pcts(cold), warmCell(warm), pcts(warm), sizeCell(bytes), rateCell(on), rateCell(off),
			ratio(cold, r.get(cfg.r1Name())), ratio(warm, run.r3))
	})
	header := false
	each(runs, func(run tileRun, r tileResult) {
		r2 := r.get("R2")
		if r2.s.Requests == 0 {
			return
		}
		if !header {
			fmt.Fprintln(w, "\n| tiles | public activities | cold tiles/s | R2 tiles/s | R2 p50/p95/p99 ms | R2 bytes | cold / R2 |")
			fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
			header = true
		}
		cold := r.get("cold")
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %s |\n", r.workload, run.public, rateCell(cold), rateCell(r2), pcts(r2),
			sizeCell(r2), ratio(cold, r2))
	})
	fmt.Fprintln(w, "\n| public activities | R3 (gin, static 15 kB) req/s | R3 p50/p95/p99 ms | tile aggregates rebuild | waited for them |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, run := range runs {
		fmt.Fprintf(w, "| %d | %s | %s | %s | %s |\n", run.public, rateCell(run.r3), pcts(run.r3),
			run.rebuild.Round(time.Millisecond), run.waited.Round(time.Millisecond))
	}
}

// ratio is a's rate over b's, "-" when either was not measured.
func ratio(a, b tilePath) string {
	if a.s.Requests == 0 || b.s.Requests == 0 || b.rate() <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", a.rate()/b.rate())
}

// warmCell is rateCell with the share of cache hits when some answers
// were not (all should be after the warm-up).
func warmCell(p tilePath) string {
	s := rateCell(p)
	if n := int64(p.s.Requests); n > 0 && p.hits < n {
		s += fmt.Sprintf(" (%.0f%% hits)", 100*float64(p.hits)/float64(n))
	}
	return s
}

func sizeCell(p tilePath) string {
	if p.s.Requests == 0 {
		return "-"
	}
	return size(p.meanBytes())
}

// each visits the results workload by workload, sizes in order.
func each(runs []tileRun, f func(tileRun, tileResult)) {
	var names []string
	for _, run := range runs {
		for _, r := range run.results {
			if !slices.Contains(names, r.workload) {
				names = append(names, r.workload)
			}
		}
	}
	for _, name := range names {
		for _, run := range runs {
			for _, r := range run.results {
				if r.workload == name {
					f(run, r)
				}
			}
		}
	}
}

func rateCell(p tilePath) string {
	if p.s.Requests == 0 {
		return "-"
	}
	s := fmt.Sprintf("%.1f", p.rate())
	if p.failed > 0 {
		s += fmt.Sprintf(" (%d timeouts)", p.failed)
	}
	return s
}

func pcts(p tilePath) string {
	if p.s.Requests == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f / %.1f / %.1f", p.s.pct(50), p.s.pct(95), p.s.pct(99))
}
