package geo

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxZoom is the deepest tile zoom served.
const MaxZoom = 20

// Tile is a Web Mercator tile address.
type Tile struct {
	Z, X, Y int
}

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

// Tile layers.
const (
	LayerActivities = "activities"
	LayerClusters   = "clusters"
	LayerCountries  = "countries"
	// LayerBasemap expands to the MVT layers land, boundaries,
	// country_labels and places, from the reference data.
	LayerBasemap = "basemap"
)

// TileLayers lists the layers served, and ClusterMaxZoom the deepest zoom
// at which activities come as clusters rather than one feature per
// location.
var TileLayers = []string{LayerActivities, LayerClusters, LayerCountries, LayerBasemap}

// ClusterMaxZoom is the deepest zoom of the clusters layer; from the next
// zoom on, the activities layer has every location.
const ClusterMaxZoom = 8

// MaxLayersPerTile caps how many layers one tile request may combine.
const MaxLayersPerTile = 4
