package postgis

import (
	"math"
	"testing"

	"github.com/commonground/commonground/geo"
)

func TestTileLonLat(t *testing.T) {
	tests := []struct {
		tile       geo.Tile
		w, s, e, n float64
	}{
		{geo.Tile{Z: 0}, -180, -85.0511, 180, 85.0511},
		{geo.Tile{Z: 2, X: 3, Y: 1}, 88.59375, -1.4061, 180, 67.0674},
		{geo.Tile{Z: 2, X: 0, Y: 1}, -180, -1.4061, -88.59375, 67.0674},
		{geo.Tile{Z: 1, X: 1, Y: 0}, -2.8125, -2.8114, 180, 85.0511},
	}
	for _, tt := range tests {
		w, s, e, n := tileLonLat(tt.tile, float64(tileBuffer)/tileExtent)
		for _, c := range [][2]float64{{w, tt.w}, {s, tt.s}, {e, tt.e}, {n, tt.n}} {
			if math.Abs(c[0]-c[1]) > 1e-3 {
				t.Errorf("%+v: bounds %v %v %v %v, want %v %v %v %v", tt.tile, w, s, e, n, tt.w, tt.s, tt.e, tt.n)
				break
			}
		}
	}
}
