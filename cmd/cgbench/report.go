package main

import (
	"fmt"
	"io"
	"slices"
)

// printTables writes the table of the server against the better of B1 and
// B2, as markdown.
func printTables(w io.Writer, res []result, cfg runConfig) {
	fmt.Fprintf(w, "\n%d clients, %s per path and workload after %s warm-up; server and cgbench on the same machine.\n\n",
		cfg.lim.clients, cfg.lim.duration, cfg.lim.warmup)
	fmt.Fprintln(w, "| workload | activities (public) | server req/s | p50 ms | p95 ms | p99 ms | bytes | B1 req/s | B2 req/s | server / max(B1, B2) |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range sorted(res) {
		s, b1, b2 := r.get("server"), r.get("B1"), r.get("B2")
		fmt.Fprintf(w, "| %s | %d | %.1f | %.1f | %.1f | %.1f | %s | %.1f | %.1f | %.2f |\n",
			r.workload, r.public, s.rps(), s.pct(50), s.pct(95), s.pct(99), size(s.meanBytes()),
			b1.rps(), b2.rps(), s.rps()/max(b1.rps(), b2.rps(), 1e-9))
	}
}

// sorted orders results by workload, then size.
func sorted(res []result) []result {
	out := slices.Clone(res)
	slices.SortStableFunc(out, func(a, b result) int {
		if a.workload != b.workload {
			if a.workload < b.workload {
				return -1
			}
			return 1
		}
		return a.public - b.public
	})
	return out
}

// size formats a byte count in kB or MB (powers of 1000).
func size(b float64) string {
	switch {
	case b >= 1e6:
		return fmt.Sprintf("%.2f MB", b/1e6)
	case b >= 1e3:
		return fmt.Sprintf("%.0f kB", b/1e3)
	}
	return fmt.Sprintf("%.0f B", b)
}
