package reference_test

import (
	"errors"
	"math"
	"reflect"
	"regexp"
	"testing"

	"github.com/paulmach/orb"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/reference"
)

func regionsByCode(t *testing.T) map[string]geo.Region {
	t.Helper()
	regions, err := reference.Regions()
	if err != nil {
		t.Fatalf("Regions: %v", err)
	}
	m := make(map[string]geo.Region, len(regions))
	for _, r := range regions {
		if _, dup := m[r.Code]; dup {
			t.Errorf("region %s listed twice", r.Code)
		}
		m[r.Code] = r
	}
	return m
}

func countries(t *testing.T) []geo.Country {
	t.Helper()
	cs, err := reference.Countries()
	if err != nil {
		t.Fatalf("Countries: %v", err)
	}
	return cs
}

func TestRegions(t *testing.T) {
	regions := regionsByCode(t)
	for code, r := range regions {
		if r.ParentCode == "" {
			continue
		}
		if _, ok := regions[r.ParentCode]; !ok {
			t.Errorf("region %s %s: parent %s not in Regions", code, r.Name, r.ParentCode)
		}
	}
	tests := []geo.Region{
		{Code: "002", Name: "Africa"},
		{Code: "202", Name: "Sub-Saharan Africa", ParentCode: "002"},
		{Code: "014", Name: "Eastern Africa", ParentCode: "202"},
		{Code: "419", Name: "Latin America and the Caribbean", ParentCode: "019"},
		{Code: "029", Name: "Caribbean", ParentCode: "419"},
		{Code: "142", Name: "Asia"},
		{Code: "034", Name: "Southern Asia", ParentCode: "142"},
		{Code: "150", Name: "Europe"},
		{Code: "053", Name: "Australia and New Zealand", ParentCode: "009"},
	}
	for _, want := range tests {
		t.Run(want.Code, func(t *testing.T) {
			if got := regions[want.Code]; got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
	if _, ok := regions["001"]; ok {
		t.Error("World (001) is listed")
	}
}

func TestCountriesCodes(t *testing.T) {
	cs := countries(t)
	if len(cs) < 250 {
		t.Fatalf("%d countries, want at least 250", len(cs))
	}
	regions := regionsByCode(t)
	a2re := regexp.MustCompile(`^[A-Z]{2}$`)
	a3re := regexp.MustCompile(`^[A-Z]{3}$`)
	numre := regexp.MustCompile(`^([0-9]{3})?$`)
	// ISO 3166-1 user-assigned ranges: AA, QM-QZ, XA-XZ, ZZ and AAA-AAZ, QMA-QZZ, XAA-XZZ, ZZA-ZZZ.
	userA2 := regexp.MustCompile(`^(AA|Q[M-Z]|X[A-Z]|ZZ)$`)
	userA3 := regexp.MustCompile(`^(AA[A-Z]|Q[M-Z][A-Z]|X[A-Z]{2}|ZZ[A-Z])$`)
	seenA2, seenA3 := map[string]bool{}, map[string]bool{}
	for i, c := range cs {
		if !a2re.MatchString(c.ISOA2) || !a3re.MatchString(c.ISOA3) || !numre.MatchString(c.ISONumeric) {
			t.Errorf("%q: malformed codes %q %q %q", c.Name, c.ISOA2, c.ISOA3, c.ISONumeric)
		}
		if seenA2[c.ISOA2] || seenA3[c.ISOA3] {
			t.Errorf("%s/%s listed twice", c.ISOA2, c.ISOA3)
		}
		seenA2[c.ISOA2], seenA3[c.ISOA3] = true, true
		if i > 0 && cs[i-1].ISOA2 >= c.ISOA2 {
			t.Errorf("%s after %s: not sorted", c.ISOA2, cs[i-1].ISOA2)
		}
		if user := userA2.MatchString(c.ISOA2); user != userA3.MatchString(c.ISOA3) || user != (c.ISONumeric == "") {
			t.Errorf("%s/%s/%q: user-assigned codes must go together and without a numeric code", c.ISOA2, c.ISOA3, c.ISONumeric)
		}
		if c.RegionCode == "" && c.ISOA2 != "AQ" {
			t.Errorf("%s: no region", c.ISOA2)
		}
		for _, code := range []string{c.RegionCode, c.SubRegionCode, c.IntermediateRegionCode} {
			if _, ok := regions[code]; code != "" && !ok {
				t.Errorf("%s: region %s not in Regions", c.ISOA2, code)
			}
		}
		if c.IntermediateRegionCode != "" && regions[c.IntermediateRegionCode].ParentCode != c.SubRegionCode {
			t.Errorf("%s: intermediate region %s is not in sub-region %s", c.ISOA2, c.IntermediateRegionCode, c.SubRegionCode)
		}
		if c.SubRegionCode != "" && regions[c.SubRegionCode].ParentCode != c.RegionCode {
			t.Errorf("%s: sub-region %s is not in region %s", c.ISOA2, c.SubRegionCode, c.RegionCode)
		}
	}
}

func TestCountriesKnown(t *testing.T) {
	byA2 := map[string]geo.Country{}
	for _, c := range countries(t) {
		byA2[c.ISOA2] = c
	}
	tests := []geo.Country{
		{ISOA2: "KE", ISOA3: "KEN", ISONumeric: "404", Name: "Kenya", RegionCode: "002", SubRegionCode: "202", IntermediateRegionCode: "014"},
		{ISOA2: "BD", ISOA3: "BGD", ISONumeric: "050", Name: "Bangladesh", RegionCode: "142", SubRegionCode: "034"},
		{ISOA2: "BR", ISOA3: "BRA", ISONumeric: "076", Name: "Brazil", RegionCode: "019", SubRegionCode: "419", IntermediateRegionCode: "005"},
		{ISOA2: "AU", ISOA3: "AUS", ISONumeric: "036", Name: "Australia", RegionCode: "009", SubRegionCode: "053"},
		{ISOA2: "XK", ISOA3: "XKX", Name: "Kosovo", RegionCode: "150", SubRegionCode: "039"},
		{ISOA2: "XB", ISOA3: "XBK", Name: "Baikonur", RegionCode: "142", SubRegionCode: "143"},
		{ISOA2: "TV", ISOA3: "TUV", ISONumeric: "798", Name: "Tuvalu", RegionCode: "009", SubRegionCode: "061"},
		{ISOA2: "GI", ISOA3: "GIB", ISONumeric: "292", Name: "Gibraltar", RegionCode: "150", SubRegionCode: "039"},
		{ISOA2: "AQ", ISOA3: "ATA", ISONumeric: "010", Name: "Antarctica"},
	}
	for _, want := range tests {
		t.Run(want.ISOA2, func(t *testing.T) {
			got, ok := byA2[want.ISOA2]
			if !ok {
				t.Fatal("missing")
			}
			if len(got.Geometry) == 0 {
				t.Error("no geometry")
			}
			got.Geometry = nil
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
		})
	}
}

// lonRange returns the smallest and largest longitude of a polygon's outer ring.
func lonRange(p orb.Polygon) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, pt := range p[0] {
		lo, hi = math.Min(lo, pt.Lon()), math.Max(hi, pt.Lon())
	}
	return lo, hi
}

func TestCountriesGeometry(t *testing.T) {
	for _, c := range countries(t) {
		if len(c.Geometry) == 0 {
			t.Errorf("%s: empty geometry", c.ISOA2)
		}
		for i, poly := range c.Geometry {
			if len(poly) == 0 {
				t.Errorf("%s polygon %d: no rings", c.ISOA2, i)
				continue
			}
			for j, ring := range poly {
				if len(ring) < 4 || !ring.Closed() {
					t.Errorf("%s polygon %d ring %d: %d points, closed %v", c.ISOA2, i, j, len(ring), ring.Closed())
				}
				for _, pt := range ring {
					if pt.Lon() < -180 || pt.Lon() > 180 || pt.Lat() < -90 || pt.Lat() > 90 {
						t.Errorf("%s polygon %d ring %d: %v out of range", c.ISOA2, i, j, pt)
						break
					}
				}
			}
			if lo, hi := lonRange(poly); hi-lo > 180 {
				t.Errorf("%s polygon %d spans %.1f degrees of longitude (%.2f..%.2f)", c.ISOA2, i, hi-lo, lo, hi)
			}
		}
	}
}

func TestCountriesSplitAtAntimeridian(t *testing.T) {
	byA2 := map[string]geo.Country{}
	for _, c := range countries(t) {
		byA2[c.ISOA2] = c
	}
	for _, code := range []string{"FJ", "RU"} {
		t.Run(code, func(t *testing.T) {
			c := byA2[code]
			if len(c.Geometry) < 2 {
				t.Fatalf("%d polygons, want several", len(c.Geometry))
			}
			var east, west bool
			for _, poly := range c.Geometry {
				lo, hi := lonRange(poly)
				east = east || (lo >= 0 && hi == 180)
				west = west || (hi <= 0 && lo == -180)
			}
			if !east || !west {
				t.Errorf("pieces ending at the antimeridian: east %v, west %v; want both", east, west)
			}
		})
	}
}

func TestPlaces(t *testing.T) {
	known := map[int64]struct {
		name, country string
		lon, lat      float64
	}{
		184745:  {"Nairobi", "KE", 36.82, -1.28},
		1185241: {"Dhaka", "BD", 90.41, 23.71},
		2643743: {"London", "GB", -0.13, 51.51},
		3936456: {"Lima", "PE", -77.03, -12.04},
	}
	var n int
	var prev int64
	found := map[int64]geo.Place{}
	err := reference.Places(func(p geo.Place) error {
		n++
		if p.ID <= prev {
			t.Errorf("id %d after %d", p.ID, prev)
		}
		prev = p.ID
		if p.Population < 1000 {
			t.Errorf("%d %s: population %d", p.ID, p.Name, p.Population)
		}
		if p.Point.Lon() < -180 || p.Point.Lon() > 180 || p.Point.Lat() < -90 || p.Point.Lat() > 90 {
			t.Errorf("%d %s: point %v out of range", p.ID, p.Name, p.Point)
		}
		if _, ok := known[p.ID]; ok {
			found[p.ID] = p
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Places: %v", err)
	}
	if n <= 100000 {
		t.Errorf("%d places, want more than 100000", n)
	}
	for id, want := range known {
		t.Run(want.name, func(t *testing.T) {
			got, ok := found[id]
			if !ok {
				t.Fatalf("geonameid %d missing", id)
			}
			if got.Name != want.name || got.ASCIIName != want.name || got.CountryCode != want.country {
				t.Errorf("got %q %q %q, want %q %q", got.Name, got.ASCIIName, got.CountryCode, want.name, want.country)
			}
			if math.Abs(got.Point.Lon()-want.lon) > 0.05 || math.Abs(got.Point.Lat()-want.lat) > 0.05 {
				t.Errorf("point %v, want near [%v %v]", got.Point, want.lon, want.lat)
			}
		})
	}
}

func TestPlacesYieldError(t *testing.T) {
	stop := errors.New("stop")
	var n int
	err := reference.Places(func(geo.Place) error {
		n++
		if n == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Errorf("Places returned %v, want the yield error", err)
	}
	if n != 10 {
		t.Errorf("yield called %d times after returning an error at 10", n)
	}
}
