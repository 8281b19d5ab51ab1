package main

import (
	"strings"
	"testing"
)

func TestTileAt(t *testing.T) {
	for _, c := range []struct {
		z        int
		lon, lat float64
		want     tileAddr
	}{
		{2, 121.45806, 31.22222, tileAddr{2, 3, 1}},
		{10, 121.45806, 31.22222, tileAddr{10, 857, 418}},
		{6, -58.37723, -34.61315, tileAddr{6, 21, 38}}, // y = 38.55
	} {
		if got := tileAt(c.z, c.lon, c.lat); got != c.want {
			t.Errorf("tileAt(%d, %g, %g) = %v, want %v", c.z, c.lon, c.lat, got, c.want)
		}
	}
}

func TestColdFilterIsFreshAndKeepsEverything(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		o := coldFilter()
		if seen[o.query()] {
			t.Fatalf("%s repeated", o.query())
		}
		seen[o.query()] = true
		if o.start >= "1950-01-01" || o.end <= "2100-12-31" || len(o.start) != 10 || len(o.end) != 10 {
			t.Fatalf("%s may leave activities out", o.query())
		}
	}
}

func TestWithoutCountsDropsTheJoin(t *testing.T) {
	if withoutCounts == countriesLayerSQL || strings.Contains(withoutCounts, "LEFT JOIN n ON n.country_code") {
		t.Fatal("the countries SQL changed: VD no longer removes the counts")
	}
}

func TestWithOutlinesReadsTheTable(t *testing.T) {
	if !strings.Contains(withOutlines, "pg_temp.country_outlines") || strings.Contains(withOutlines, "ST_SimplifyPreserveTopology") {
		t.Fatal("the countries SQL changed: VG no longer reads the pre-simplified outlines")
	}
}
