package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestCheckLonLat(t *testing.T) {
	square := orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}
	tests := []struct {
		name string
		g    orb.Geometry
		ok   bool
	}{
		{"nil", nil, true},
		{"point", orb.Point{36.8, -1.3}, true},
		{"corner of the world", orb.Point{180, -90}, true},
		{"latitude 95", orb.Point{10, 95}, false},
		{"longitude -181", orb.Point{-181, 0}, false},
		{"NaN", orb.Point{math.NaN(), 0}, false},
		{"infinite", orb.Point{math.Inf(1), 0}, false},
		{"polygon", orb.Polygon{square}, true},
		{"open ring", orb.Polygon{square[:4]}, false},
		{"short ring", orb.Polygon{{{0, 0}, {1, 1}, {0, 0}}}, false},
		{"multipolygon with a bad vertex", orb.MultiPolygon{{square}, {{{0, 0}, {1, 0}, {1, 91}, {0, 0}}}}, false},
		{"linestring", orb.LineString{{0, 0}, {200, 0}}, false},
		{"collection", orb.Collection{orb.Point{1, 1}, orb.Polygon{square}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := CheckLonLat(tt.g); (err == nil) != tt.ok {
				t.Errorf("CheckLonLat = %v, want ok %v", err, tt.ok)
			}
		})
	}
}
