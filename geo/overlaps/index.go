package overlaps

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"sort"

	"github.com/commonground/commonground/geo"
)

// Cell counts the overlaps of one unordered pair of leads.
type Cell struct {
	N      int64     // overlaps
	Best   float64   // the best score among them
	Themes [64]int64 // overlaps sharing each theme bit
}

// Index is the result of a pass: the best pairs it found, and counts of
// every pair it found (those scoring at least Options.MinScore).
type Index struct {
	Top   []Pair             // the Options.Keep best pairs, best first, then by A, B
	Hist  [1001]int64        // pairs per score: Hist[i] counts the score i/10
	Cells map[[2]int64]*Cell // per pair of leads, the lower id first
	Total int64              // pairs counted
}

// add counts p (of the leads leadA and leadB) and offers it to top.
func (idx *Index) add(p Pair, leadA, leadB int64, top *pairHeap) {
	idx.Total++
	idx.Hist[int(math.Round(p.Score*10))]++
	k := [2]int64{min(leadA, leadB), max(leadA, leadB)}
	c := idx.Cells[k]
	if c == nil {
		c = &Cell{}
		idx.Cells[k] = c
	}
	c.N++
	c.Best = math.Max(c.Best, p.Score)
	for t := p.Themes; t != 0; t &= t - 1 {
		c.Themes[bits.TrailingZeros64(t)]++
	}
	top.offer(p)
}

// Matched is the number of the index's pairs scoring at least min.
func (idx *Index) Matched(min float64) int64 {
	var n int64
	for i := int(math.Ceil(min*10 - 1e-9)); i <= 1000; i++ {
		n += idx.Hist[max(i, 0)]
	}
	return n
}

// MatrixCells lists the index's cells as the matrix shows them, with the
// theme bits named by codes: most overlaps first, then by the pair of
// leads; themes most frequent first, then by code.
func (idx *Index) MatrixCells(codes []string) []geo.MatrixCell {
	cells := make([]geo.MatrixCell, 0, len(idx.Cells))
	for k, c := range idx.Cells {
		cell := geo.MatrixCell{A: k[0], B: k[1], Overlaps: c.N, BestScore: c.Best}
		for i, n := range c.Themes {
			if n > 0 {
				cell.Themes = append(cell.Themes, geo.ThemeCount{Code: codes[i], Count: n})
			}
		}
		slices.SortFunc(cell.Themes, func(x, y geo.ThemeCount) int {
			return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Code, y.Code))
		})
		cells = append(cells, cell)
	}
	slices.SortFunc(cells, func(x, y geo.MatrixCell) int {
		return cmp.Or(cmp.Compare(y.Overlaps, x.Overlaps), cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B))
	})
	return cells
}

// ThemeCodes lists the codes of the bits of mask, in bit order (codes[i]
// names bit i).
func ThemeCodes(mask uint64, codes []string) []string {
	var out []string
	for t := mask; t != 0; t &= t - 1 {
		out = append(out, codes[bits.TrailingZeros64(t)])
	}
	return out
}

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
