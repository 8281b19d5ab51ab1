package geo_test

import (
	"math"
	"slices"
	"testing"

	"github.com/commonground/commonground/geo"
)

func TestTileBounds(t *testing.T) {
	tests := []struct {
		name       string
		tile       geo.Tile
		w, s, e, n float64
	}{
		{"world", geo.Tile{Z: 0}, -180, -85.0511, 180, 85.0511},
		{"east edge, buffer dropped beyond 180", geo.Tile{Z: 2, X: 3, Y: 1}, 88.59375, -1.4061, 180, 67.0674},
		{"west edge, buffer dropped beyond -180", geo.Tile{Z: 2, X: 0, Y: 1}, -180, -1.4061, -88.59375, 67.0674},
		{"top row, clamped at 85.0511", geo.Tile{Z: 1, X: 1, Y: 0}, -2.8125, -2.8114, 180, 85.0511},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.tile.BufferedBounds()
			w, s, e, n := b.Min[0], b.Min[1], b.Max[0], b.Max[1]
			for _, c := range [][2]float64{{w, tt.w}, {s, tt.s}, {e, tt.e}, {n, tt.n}} {
				if math.Abs(c[0]-c[1]) > 1e-3 {
					t.Fatalf("%+v: bounds %v %v %v %v, want %v %v %v %v", tt.tile, w, s, e, n, tt.w, tt.s, tt.e, tt.n)
				}
			}
		})
	}
}

// lonLat is the store's tile box as it was computed before Bounds used
// maptile: Bounds must give these numbers to the last bit, since the
// store sends them as its index search boxes.
func lonLat(t geo.Tile, margin float64) (west, south, east, north float64) {
	n := math.Exp2(float64(t.Z))
	lon := func(x float64) float64 { return math.Max(-180, math.Min(180, x/n*360-180)) }
	lat := func(y float64) float64 {
		y = math.Max(0, math.Min(n, y))
		return math.Atan(math.Sinh(math.Pi*(1-2*y/n))) * 180 / math.Pi
	}
	x, y := float64(t.X), float64(t.Y)
	return lon(x - margin), lat(y + 1 + margin), lon(x + 1 + margin), lat(y - margin)
}

func TestTileBoundsExact(t *testing.T) {
	margins := map[string]float64{"none": 0, "MVT buffer": float64(geo.TileBuffer) / geo.TileExtent,
		"cluster ring": 1.0/geo.ClusterCells + 1.0/geo.TileExtent}
	for name, m := range margins {
		t.Run(name, func(t *testing.T) {
			for z := 0; z <= geo.MaxZoom; z++ {
				n := 1 << z
				step := max(1, n/32)
				for x := 0; x < n; x += step {
					for _, y := range []int{0, n / 3, n / 2, n - 1, x % n} {
						tl := geo.Tile{Z: z, X: x, Y: y}
						w, s, e, no := lonLat(tl, m)
						b := tl.Bounds(m)
						if b.Min[0] != w || b.Min[1] != s || b.Max[0] != e || b.Max[1] != no {
							t.Fatalf("%v: %v, want %v %v %v %v", tl, b, w, s, e, no)
						}
					}
				}
			}
		})
	}
}

func TestTileAt(t *testing.T) {
	for _, c := range []struct {
		name     string
		z        int
		lon, lat float64
		want     geo.Tile
	}{
		{"Shanghai z2", 2, 121.45806, 31.22222, geo.Tile{Z: 2, X: 3, Y: 1}},
		{"Shanghai z10", 10, 121.45806, 31.22222, geo.Tile{Z: 10, X: 857, Y: 418}},
		{"Buenos Aires z6, y = 38.55", 6, -58.37723, -34.61315, geo.Tile{Z: 6, X: 21, Y: 38}},
		{"beyond the north edge", 3, 10, 89, geo.Tile{Z: 3, X: 4, Y: 0}},
		{"beyond the south edge", 3, 10, -89, geo.Tile{Z: 3, X: 4, Y: 7}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := geo.TileAt(c.z, c.lon, c.lat); got != c.want {
				t.Errorf("TileAt(%d, %g, %g) = %v, want %v", c.z, c.lon, c.lat, got, c.want)
			}
		})
	}
}

func TestClusterCells(t *testing.T) {
	if got, want := geo.ClusterCellSize(0)*geo.ClusterCells, geo.WebMercatorWidth; got != want {
		t.Errorf("zoom 0 cells span %v, want the world, %v", got, want)
	}
	if got, want := geo.ClusterCellSize(3), geo.WebMercatorWidth/8/16; got != want {
		t.Errorf("ClusterCellSize(3) = %v, want %v", got, want)
	}
	for _, c := range []struct {
		tile               geo.Tile
		cx0, cx1, cy0, cy1 int
	}{
		{geo.Tile{}, -1, 16, -1, 16},
		{geo.Tile{Z: 1, X: 1, Y: 0}, 15, 32, 15, 32}, // north-east: cy from the south
		{geo.Tile{Z: 2, X: 0, Y: 3}, -1, 16, -1, 16},
	} {
		cx0, cx1, cy0, cy1 := c.tile.ClusterCellRange()
		if cx0 != c.cx0 || cx1 != c.cx1 || cy0 != c.cy0 || cy1 != c.cy1 {
			t.Errorf("%v: cells %d-%d x %d-%d, want %d-%d x %d-%d", c.tile, cx0, cx1, cy0, cy1, c.cx0, c.cx1, c.cy0, c.cy1)
		}
	}
}

func TestTileLayers(t *testing.T) {
	var names []string
	for _, name := range geo.TileLayers {
		l, ok := geo.TileLayerOf(name)
		if !ok || l.Name != name {
			t.Fatalf("TileLayerOf(%q) = %+v, %v", name, l, ok)
		}
		names = append(names, l.Name)
		if l.MinZoom < 0 || l.MinZoom > l.MaxZoom || l.MaxZoom > geo.MaxZoom {
			t.Errorf("%s: zooms %d-%d", name, l.MinZoom, l.MaxZoom)
		}
		if (l.Description == "") != (len(l.MVTLayers) > 0) || (len(l.Fields) == 0) != (len(l.MVTLayers) > 0) {
			t.Errorf("%s: want a description and fields, or MVT layers that have them", name)
		}
		for _, m := range l.MVTLayers {
			names = append(names, m.Name)
			if m.Description == "" || len(m.Fields) == 0 || len(m.MVTLayers) > 0 {
				t.Errorf("%s/%s: want a description and fields, and no layers of its own", name, m.Name)
			}
		}
	}
	if _, ok := geo.TileLayerOf(geo.LayerLand); ok {
		t.Errorf("the basemap's MVT layers are not tile layers of their own")
	}
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	if len(slices.Compact(sorted)) != len(names) {
		t.Errorf("MVT layer names repeat: %v", names)
	}
	acts, _ := geo.TileLayerOf(geo.LayerActivities)
	clusters, _ := geo.TileLayerOf(geo.LayerClusters)
	if clusters.MaxZoom != geo.ClusterMaxZoom || acts.MinZoom != geo.ClusterMaxZoom+1 {
		t.Errorf("clusters to zoom %d, activities from %d; want clusters to ClusterMaxZoom and activities from the next", clusters.MaxZoom, acts.MinZoom)
	}
	if len(geo.TileLayers) > geo.MaxLayersPerTile {
		t.Errorf("%d layers, but a tile may combine only %d", len(geo.TileLayers), geo.MaxLayersPerTile)
	}
}
