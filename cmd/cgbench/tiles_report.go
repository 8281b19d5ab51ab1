package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// printTileTables writes the tile tables as markdown: the server cold and
// warm against R1 and R3, then R1 with the cold filter and R2, then R3,
// then the SQL variants when they ran.
func printTileTables(w io.Writer, runs []tileRun, cfg tileConfig) {
	fmt.Fprintf(w, "\n%d clients, %s per path and workload after %s warm-up; server, PostgreSQL and cgbench on the same machine.\n\n",
		cfg.lim.clients, cfg.lim.duration, cfg.lim.warmup)
	fmt.Fprintln(w, "| tiles | public activities | cold tiles/s | cold p50/p95/p99 ms | warm tiles/s | warm p50/p95/p99 ms | bytes | R1 jit on | R1 jit off | faster | cold / R1 | warm / R3 |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|")
	each(runs, func(run tileRun, r tileResult) {
		cold, warm, on, off := r.get("cold"), r.get("warm"), r.get("R1"), r.get("R1 jit off")
		faster := "on"
		if off.rate() > on.rate() {
			faster = "off"
		}
		if !cfg.jit {
			faster = "-"
		}
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %.2f | %.2f |\n", r.workload, run.public,
			rateCell(cold), pcts(cold), rateCell(warm), pcts(warm), size(cold.meanBytes()), rateCell(on), rateCell(off),
			faster, cold.rate()/max(on.rate(), 1e-9), warm.rate()/max(run.r3.rate(), 1e-9))
	})
	fmt.Fprintln(w, "\n| tiles | public activities | R1 with the cold filter | cold / that | R2 tiles/s | R2 p50/p95/p99 ms | R2 bytes | cold / R2 |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	each(runs, func(run tileRun, r tileResult) {
		cold, r1c, r2 := r.get("cold"), r.get("R1 cold filter"), r.get("R2")
		r2cells := "- | - | - | -"
		if r2.s.Requests > 0 {
			r2cells = fmt.Sprintf("%s | %s | %s | %.1f", rateCell(r2), pcts(r2), size(r2.meanBytes()), cold.rate()/max(r2.rate(), 1e-9))
		}
		fmt.Fprintf(w, "| %s | %d | %s | %.2f | %s |\n", r.workload, run.public, rateCell(r1c), cold.rate()/max(r1c.rate(), 1e-9), r2cells)
	})
	fmt.Fprintln(w, "\n| R3: gin, static 15 kB | public activities (same run) | req/s | p50/p95/p99 ms | bytes |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, run := range runs {
		fmt.Fprintf(w, "| R3 | %d | %s | %s | %s |\n", run.public, rateCell(run.r3), pcts(run.r3), size(run.r3.meanBytes()))
		if run.r3v.s.Requests > 0 {
			fmt.Fprintf(w, "| R3+V (reads the data version first) | %d | %s | %s | %s |\n", run.public, rateCell(run.r3v), pcts(run.r3v), size(run.r3v.meanBytes()))
		}
	}
	if !cfg.extra {
		return
	}
	fmt.Fprintln(w, "\n| tiles | public activities | path | tiles/s | p50/p95/p99 ms | bytes | vs R1 |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	each(runs, func(run tileRun, r tileResult) {
		on := r.get("R1")
		for _, p := range r.paths {
			if !strings.HasPrefix(p.name, "V") {
				continue
			}
			fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %.2f |\n", r.workload, run.public, p.name, rateCell(p), pcts(p),
				size(p.meanBytes()), p.rate()/max(on.rate(), 1e-9))
		}
	})
	fmt.Fprintln(w)
	for _, v := range tileVariantList {
		fmt.Fprintf(w, "- %s: %s\n", v.name, v.what)
	}
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
