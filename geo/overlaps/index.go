package overlaps

import (
	"cmp"
	"math"
	"math/bits"
	"slices"

	"github.com/commonground/commonground/geo"
)

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
