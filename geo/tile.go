package geo

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// MaxZoom is the deepest tile zoom served.
const MaxZoom = 20

// Tile is a Web Mercator tile address.
type Tile struct {
	Z, X, Y int
}

// String is "z/x/y", the tile's place in a tile URL.
func (t Tile) String() string { return fmt.Sprintf("%d/%d/%d", t.Z, t.X, t.Y) }

// ParseTile parses z, x and y ("y" may carry the ".mvt" suffix). Not
// integers, or outside the zoom's range: EInvalid (z) or ENotFound (x, y
// beyond the grid), decided without any database work.
func ParseTile(z, x, y string) (Tile, error) {
	y = strings.TrimSuffix(y, ".mvt")
	var t Tile
	var err error
	bad := func(param, detail string) error {
		return &Error{Code: EInvalid, Message: "invalid tile address", Fields: []FieldError{{Parameter: param, Detail: detail}}}
	}
	if t.Z, err = strconv.Atoi(z); err != nil || t.Z < 0 || t.Z > MaxZoom {
		return Tile{}, bad("z", fmt.Sprintf("zoom must be a whole number from 0 to %d", MaxZoom))
	}
	if t.X, err = strconv.Atoi(x); err != nil {
		return Tile{}, bad("x", "must be a whole number")
	}
	if t.Y, err = strconv.Atoi(y); err != nil {
		return Tile{}, bad("y", "must be a whole number")
	}
	n := 1 << t.Z
	if t.X < 0 || t.X >= n || t.Y < 0 || t.Y >= n {
		return Tile{}, &Error{Code: ENotFound, Message: fmt.Sprintf("no tile %d/%d/%d: x and y run from 0 to %d at zoom %d", t.Z, t.X, t.Y, n-1, t.Z)}
	}
	return t, nil
}

// TileAt returns the tile of zoom z (0 to MaxZoom) holding lon/lat.
// Latitudes beyond ±85.0511 fall in the first or last row.
func TileAt(z int, lon, lat float64) Tile {
	mt := maptile.At(orb.Point{lon, lat}, maptile.Zoom(z))
	return Tile{Z: z, X: int(mt.X), Y: int(mt.Y)}
}

// The MVT encoding of every tile layer: TileExtent units per tile side,
// and TileBuffer units of buffer round the tile, whose features are kept
// so that symbols at the edge are not cut.
const (
	TileExtent = 4096
	TileBuffer = 64
)

// WebMercatorWidth is the width of the world in EPSG:3857 metres.
const WebMercatorWidth = 40075016.685578488

// TileSize returns the side of a tile of zoom z in EPSG:3857 metres.
func TileSize(z int) float64 { return WebMercatorWidth / math.Exp2(float64(z)) }

// Bounds returns the tile's lon/lat bounds grown by margin (a fraction of
// the tile side), clamped to the world: longitudes to ±180 (the margin
// beyond the antimeridian is dropped rather than wrapped, so the bounds
// stay one box) and latitudes to Web Mercator's ±85.0511.
//
// The longitudes are maptile's; the latitudes are computed here, as
// atan(sinh(π(1-2y/n))), because maptile's formula
// (2·atan(exp(...)) - 90) differs in the last bits, and these bounds are
// the store's index search boxes: the same numbers select the same points.
func (t Tile) Bounds(margin float64) orb.Bound {
	b := maptile.New(uint32(t.X), uint32(t.Y), maptile.Zoom(t.Z)).Bound(margin)
	n := math.Exp2(float64(t.Z))
	lat := func(y float64) float64 {
		y = math.Max(0, math.Min(n, y))
		return math.Atan(math.Sinh(math.Pi*(1-2*y/n))) * 180 / math.Pi
	}
	y := float64(t.Y)
	return orb.Bound{
		Min: orb.Point{math.Max(-180, b.Min[0]), lat(y + 1 + margin)},
		Max: orb.Point{math.Min(180, b.Max[0]), lat(y - margin)},
	}
}

// BufferedBounds is Bounds grown by the MVT buffer (TileBuffer of
// TileExtent): the lon/lat box of everything a tile may draw.
func (t Tile) BufferedBounds() orb.Bound { return t.Bounds(float64(TileBuffer) / TileExtent) }

// ClusterCells is the number of clusters grid cells per tile side. The
// grid is world-wide: cells line up across the tiles of a zoom.
const ClusterCells = 16

// ClusterCellSize returns the side of a clusters grid cell at zoom z, in
// EPSG:3857 metres. Cell cx, cy spans cx·size to (cx+1)·size east of the
// world's west edge and cy·size to (cy+1)·size north of its south edge.
func ClusterCellSize(z int) float64 { return TileSize(z) / ClusterCells }

// ClusterCellRange returns the clusters grid cells of the tile and of the
// ring of cells round it (cx counted from the west, cy from the south),
// the cells whose mean position may fall within the tile's buffer.
func (t Tile) ClusterCellRange() (cx0, cx1, cy0, cy1 int) {
	n := 1 << t.Z
	cx0 = t.X*ClusterCells - 1
	cy0 = (n-1-t.Y)*ClusterCells - 1
	return cx0, cx0 + ClusterCells + 1, cy0, cy0 + ClusterCells + 1
}
