package postgis

import (
	"strconv"
	"strings"
	"testing"

	"github.com/commonground/commonground/geo"
)

// The tile statements write the MVT encoding and the feature cap out as
// numbers: they must be the constants' (tiles.go).
func TestTileSQLConstants(t *testing.T) {
	extent := strconv.Itoa(geo.TileExtent)
	envelope := "ST_TileEnvelope($1, $2, $3), " + extent + ", " + strconv.Itoa(geo.TileBuffer) + ", true"
	margin := "margin => " + strconv.FormatFloat(float64(geo.TileBuffer)/geo.TileExtent, 'g', -1, 64)
	statements := map[string]string{
		"activities":       activitiesLayerSQL + activitiesLayerEnd,
		"clusters":         clustersLayerSQL + clustersLayerEnd,
		"clusters fresh":   clustersFreshSQL,
		"countries tiles":  countriesTiles.fresh,
		"countries shapes": countriesShapes.fresh,
		"countries full":   countriesFull.fresh,
		"basemap":          basemapSQL,
	}
	for name, sql := range statements {
		if strings.Contains(sql, "%") {
			t.Errorf("%s: a template verb in the statement", name)
		}
		if n := strings.Count(sql, "ST_AsMVT(t, "); n == 0 || n != strings.Count(sql, "', "+extent+", 'geom'") {
			t.Errorf("%s: every ST_AsMVT must have extent %s", name, extent)
		}
		if name != "countries tiles" && !strings.Contains(sql, envelope) {
			t.Errorf("%s: want the tile geometry as %q", name, envelope)
		}
		if strings.Contains(sql, "margin => ") && strings.Count(sql, "margin => ") != strings.Count(sql, margin) {
			t.Errorf("%s: want the buffered envelope as %q", name, margin)
		}
	}
	if !strings.Contains(activitiesLayerEnd, "LIMIT "+strconv.Itoa(maxTileFeatures+1)) {
		t.Errorf("the activities layer must read maxTileFeatures+1 locations")
	}
	for _, c := range []struct{ sql, layer string }{
		{activitiesLayerSQL, geo.LayerActivities}, {clustersMVTSQL, geo.LayerClusters}, {countriesDrawSQL, geo.LayerCountries},
		{basemapSQL, geo.LayerLand}, {basemapSQL, geo.LayerBoundaries}, {basemapSQL, geo.LayerCountryLabels}, {basemapSQL, geo.LayerPlaces},
	} {
		if !strings.Contains(c.sql, "ST_AsMVT(t, '"+c.layer+"', ") {
			t.Errorf("no MVT layer %q", c.layer)
		}
	}
}
