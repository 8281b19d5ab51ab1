package overlaps

import (
	"slices"
	"sort"
)

// pairHeap keeps the keep best pairs offered (score, then A, B).
type pairHeap struct {
	ps   []Pair
	keep int
}

// worse orders the heap: the root is the worst kept pair. Of two pairs
// with one score the one with the higher ids is worse.
func worse(x, y Pair) bool {
	if x.Score != y.Score {
		return x.Score < y.Score
	}
	if x.A != y.A {
		return x.A > y.A
	}
	return x.B > y.B
}

// offer keeps p if fewer than keep pairs are kept or p is better than the
// worst of them, which it then replaces.
func (h *pairHeap) offer(p Pair) {
	if h.keep <= 0 {
		return
	}
	if len(h.ps) < h.keep {
		h.ps = append(h.ps, p)
		for i := len(h.ps) - 1; i > 0; {
			up := (i - 1) / 2
			if !worse(h.ps[i], h.ps[up]) {
				break
			}
			h.ps[i], h.ps[up] = h.ps[up], h.ps[i]
			i = up
		}
		return
	}
	if !worse(h.ps[0], p) {
		return
	}
	h.ps[0] = p
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h.ps) && worse(h.ps[l], h.ps[m]) {
			m = l
		}
		if r < len(h.ps) && worse(h.ps[r], h.ps[m]) {
			m = r
		}
		if m == i {
			break
		}
		h.ps[i], h.ps[m] = h.ps[m], h.ps[i]
		i = m
	}
}

// sorted returns the kept pairs, best first.
func (h *pairHeap) sorted() []Pair {
	out := slices.Clone(h.ps)
	sort.Slice(out, func(i, j int) bool { return worse(out[j], out[i]) })
	return out
}
