package overlaps

import (
	"slices"
	"testing"
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
