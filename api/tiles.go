package api

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
)

// parseLayers reads "activities,countries": known layers, at most
// geo.MaxLayersPerTile, no repeats.
func parseLayers(s string) ([]string, error) {
	layers := strings.Split(s, ",")
	bad := func(detail string) error {
		return &geo.Error{Code: geo.ENotFound, Message: "unknown tile layers " + strconv.Quote(s),
			Fields: []geo.FieldError{{Parameter: "layers", Detail: detail}}}
	}
	if len(layers) > geo.MaxLayersPerTile {
		return nil, bad(fmt.Sprintf("at most %d layers per tile", geo.MaxLayersPerTile))
	}
	for i, l := range layers {
		if !slices.Contains(geo.TileLayers, l) {
			return nil, bad(fmt.Sprintf("%q is not one of %v", l, geo.TileLayers))
		}
		if slices.Contains(layers[:i], l) {
			return nil, bad(fmt.Sprintf("%q given twice", l))
		}
	}
	return layers, nil
}

// tileParams are what a tile URL may carry: the filters and v, the data
// version TileJSON puts in the URLs (it only busts HTTP caches).
var tileParams = []string{"v"}

// filterQuery checks the filters of a TileJSON or style request and
// returns its query for the URLs the answer hands on, without v: a
// TileJSON puts the current data version in its tile URLs itself.
func filterQuery(c *gin.Context) (url.Values, error) {
	p, err := parseParams(c, filterParams, tileParams)
	if err != nil {
		return nil, err
	}
	p.activityFilter()
	if err := p.err(); err != nil {
		return nil, err
	}
	q := url.Values{}
	for k, v := range p.q {
		if k != "v" {
			q[k] = v
		}
	}
	return q, nil
}

// tileAddress is what a tile URL's path says: the layers (from
// geo.TileLayers, as parseLayers allows them) and the tile.
type tileAddress struct {
	layers []string
	tile   geo.Tile
}

// tileAddressKey holds the tileAddress checkTileAddress parsed, for tile.
const tileAddressKey = "tile_address"

// parseTileAddress reads /tiles/{layers}/{z}/{x}/{y}.mvt, for GET and
// HEAD alike: unknown layers or a path without the .mvt suffix are
// ENotFound, a malformed or out-of-range z/x/y as geo.ParseTile says.
func parseTileAddress(c *gin.Context) (tileAddress, error) {
	layers, err := parseLayers(c.Param("layers"))
	if err != nil {
		return tileAddress{}, err
	}
	if !strings.HasSuffix(c.Param("y"), ".mvt") {
		return tileAddress{}, geo.Errorf(geo.ENotFound, "tiles end in .mvt")
	}
	t, err := geo.ParseTile(c.Param("z"), c.Param("x"), c.Param("y"))
	if err != nil {
		return tileAddress{}, err
	}
	return tileAddress{layers: layers, tile: t}, nil
}

// checkTileAddress refuses unknown layers and out-of-range or malformed
// z/x/y before anything else runs, and keeps the address for tile.
func checkTileAddress(c *gin.Context) error {
	a, err := parseTileAddress(c)
	if err != nil {
		return err
	}
	c.Set(tileAddressKey, a)
	return nil
}

// tile answers GET and HEAD /tiles/{layers}/{z}/{x}/{y}.mvt, after
// checkTileAddress: an MVT with the layers, the filters applied inside
// every layer, from the cache when the same tile was rendered for the same
// data version and visibility class. An empty tile is a 204.
func (s *server) tile(c *gin.Context) error {
	a := c.MustGet(tileAddressKey).(tileAddress)
	layers, t := a.layers, a.tile
	p, err := parseParams(c, filterParams, tileParams)
	if err != nil {
		return err
	}
	f := p.activityFilter()
	if err := p.err(); err != nil {
		return err
	}
	v := viewerOf(c)
	key := fmt.Sprintf("%d|%s|%s|%d/%d/%d|%s", c.GetInt64(dataVersionKey), v.Class(), strings.Join(layers, ","),
		t.Z, t.X, t.Y, normalised(p.q))
	b, ok := s.tiles.Get(key)
	if !ok {
		if b, err = s.store.Tile(c.Request.Context(), v, layers, t, f); err != nil {
			return err
		}
		s.tiles.Add(key, b)
	}
	c.Header("X-Cache", map[bool]string{true: "hit", false: "miss"}[ok])
	if len(b) == 0 {
		c.Status(http.StatusNoContent)
		return nil
	}
	c.Header("Content-Length", strconv.Itoa(len(b)))
	c.Data(http.StatusOK, mediaMVT, b)
	return nil
}

// normalised renders the filter parameters in one canonical order (sorted
// names, sorted values; v left out), so equal filters share cache entries.
func normalised(q url.Values) string {
	n := url.Values{}
	for k, vals := range q {
		if k == "v" {
			continue
		}
		var all []string
		for _, v := range vals {
			all = append(all, strings.Split(v, ",")...)
		}
		slices.Sort(all)
		n[k] = all
	}
	return n.Encode()
}
