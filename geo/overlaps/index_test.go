package overlaps

import (
	"slices"
	"testing"

	"github.com/commonground/commonground/geo"
)

func TestPairHeap(t *testing.T) {
	p := func(score float64, a, b int64) Pair { return Pair{A: a, B: b, Score: score} }
	type ab struct{ a, b int64 }
	for _, tt := range []struct {
		name    string
		keep    int
		offered []Pair
		want    []ab
	}{
		{"keeps the best, best first", 3, []Pair{p(10, 1, 2), p(50, 3, 4), p(30, 5, 6), p(90, 7, 8), p(20, 9, 10)},
			[]ab{{7, 8}, {3, 4}, {5, 6}}},
		{"fewer than kept", 5, []Pair{p(10, 1, 2), p(50, 3, 4)}, []ab{{3, 4}, {1, 2}}},
		{"ties by the lower A, then B", 3, []Pair{p(50, 5, 9), p(50, 2, 7), p(50, 2, 3), p(50, 1, 9)},
			[]ab{{1, 9}, {2, 3}, {2, 7}}},
		{"a tie with the worst kept is not taken", 2, []Pair{p(50, 1, 2), p(40, 3, 4), p(40, 5, 6)}, []ab{{1, 2}, {3, 4}}},
		{"a tie with a lower id replaces the worst", 2, []Pair{p(50, 1, 2), p(40, 5, 6), p(40, 3, 4)}, []ab{{1, 2}, {3, 4}}},
		{"keep 0 keeps none", 0, []Pair{p(50, 1, 2)}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := &pairHeap{keep: tt.keep}
			for _, x := range tt.offered {
				h.offer(x)
			}
			var got []ab
			for _, x := range h.sorted() {
				got = append(got, ab{x.A, x.B})
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("kept %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWorse(t *testing.T) {
	for _, tt := range []struct {
		name string
		x, y Pair
		want bool
	}{
		{"lower score", Pair{Score: 1}, Pair{Score: 2}, true},
		{"higher score", Pair{Score: 2}, Pair{Score: 1}, false},
		{"same score, higher A", Pair{Score: 1, A: 3}, Pair{Score: 1, A: 2}, true},
		{"same score and A, higher B", Pair{Score: 1, A: 2, B: 5}, Pair{Score: 1, A: 2, B: 4}, true},
		{"equal", Pair{Score: 1, A: 2, B: 4}, Pair{Score: 1, A: 2, B: 4}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := worse(tt.x, tt.y); got != tt.want {
				t.Errorf("worse = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMatrixCellsOrder(t *testing.T) {
	idx := &Index{Cells: map[[2]int64]*Cell{
		{1, 2}: {N: 1, Best: 50, Themes: [64]int64{0: 1}},
		{1, 3}: {N: 3, Best: 70, Themes: [64]int64{0: 1, 1: 3, 2: 1}},
		{2, 3}: {N: 1, Best: 60, Themes: [64]int64{1: 1}},
	}}
	cells := idx.MatrixCells([]string{"x", "a", "b"})
	var order [][2]int64
	for _, c := range cells {
		order = append(order, [2]int64{c.A, c.B})
	}
	if !slices.Equal(order, [][2]int64{{1, 3}, {1, 2}, {2, 3}}) {
		t.Errorf("cells in order %v", order)
	}
	if want := []geo.ThemeCount{{Code: "a", Count: 3}, {Code: "b", Count: 1}, {Code: "x", Count: 1}}; !slices.Equal(cells[0].Themes, want) {
		t.Errorf("themes %v, want %v", cells[0].Themes, want)
	}
}

func TestThemeCodes(t *testing.T) {
	codes := []string{"a", "b", "c", "d"}
	for _, tt := range []struct {
		name string
		mask uint64
		want []string
	}{
		{"none", 0, nil},
		{"one", 0b100, []string{"c"}},
		{"in bit order", 0b1011, []string{"a", "b", "d"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := ThemeCodes(tt.mask, codes); !slices.Equal(got, tt.want) {
				t.Errorf("%v, want %v", got, tt.want)
			}
		})
	}
}
