package demo

import (
	"math"
	"testing"

	"github.com/commonground/commonground/geo"
	"github.com/paulmach/orb"
)

// nearestCity returns the input city nearest to p and its distance.
func nearestCity(cities map[int64]geo.Place, p orb.Point) (geo.Place, float64) {
	var best geo.Place
	bestKm := math.Inf(1)
	for _, c := range cities {
		if d := distanceKm(c.Point, p); d < bestKm || d == bestKm && c.ID < best.ID {
			best, bestKm = c, d
		}
	}
	return best, bestKm
}

// rounded5 reports whether x has at most 5 decimals.
func rounded5(x float64) bool {
	return math.Abs(x*1e5-math.Round(x*1e5)) < 1e-6
}

// checkLocation checks one location and returns the city it is in (zero for
// a country-level location).
func checkLocation(t *testing.T, id string, l geo.Location, cities map[int64]geo.Place) geo.Place {
	t.Helper()
	if !testCodes()[l.CountryCode] || l.Name == "" {
		t.Errorf("%s: country %q, name %q", id, l.CountryCode, l.Name)
	}
	var city geo.Place
	switch {
	case l.Kind == geo.KindPlace && l.Precision == geo.PrecisionCity:
		city = cities[l.PlaceID]
		if city.ID == 0 || l.Name != city.Name || l.Geometry != city.Point || l.CountryCode != city.CountryCode {
			t.Errorf("%s: city location %+v does not match a city", id, l)
		}
	case l.Kind == geo.KindPoint && l.Precision == geo.PrecisionExact:
		p, ok := l.Geometry.(orb.Point)
		var km float64
		city, km = nearestCity(cities, p)
		if !ok || km > 8 || !rounded5(p[0]) || !rounded5(p[1]) || l.PlaceID != 0 {
			t.Errorf("%s: point %v is %.1f km from %s or not rounded", id, l.Geometry, km, city.Name)
		}
	case l.Kind == geo.KindCountry && l.Precision == geo.PrecisionCountry:
		if l.Geometry != nil || l.PlaceID != 0 {
			t.Errorf("%s: country location carries geometry or a place", id)
		}
	case l.Kind == geo.KindShape && l.Precision == geo.PrecisionApproximate:
		poly, ok := l.Geometry.(orb.Polygon)
		if !ok || len(poly) != 1 {
			t.Fatalf("%s: shape %T is not a one-ring polygon", id, l.Geometry)
		}
		city, _ = nearestCity(cities, poly[0][0])
		checkRing(t, id, poly[0], city)
	default:
		t.Errorf("%s: kind %s with precision %s", id, l.Kind, l.Precision)
	}
	if city.ID != 0 && city.CountryCode != l.CountryCode {
		t.Errorf("%s: location in %s is nearest to %s in %s", id, l.CountryCode, city.Name, city.CountryCode)
	}
	return city
}

// checkRing checks a shape's ring: closed, 5-8 vertices, counter-clockwise,
// simple, in range and within 3.2 km of city.
func checkRing(t *testing.T, id string, ring orb.Ring, city geo.Place) {
	t.Helper()
	if n := len(ring) - 1; !ring.Closed() || n < 5 || n > 8 || ring.Orientation() != orb.CCW {
		t.Errorf("%s: ring of %d vertices, closed %v, orientation %v", id, n, ring.Closed(), ring.Orientation())
	}
	for _, p := range ring {
		if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 || distanceKm(p, city.Point) > 3.2 {
			t.Errorf("%s: vertex %v out of range or far from %s", id, p, city.Name)
		}
	}
	for i := 0; i < len(ring)-1; i++ {
		for j := i + 2; j < len(ring)-1; j++ {
			if i == 0 && j == len(ring)-2 {
				continue // adjacent through the closing vertex
			}
			if segmentsCross(ring[i], ring[i+1], ring[j], ring[j+1]) {
				t.Errorf("%s: ring crosses itself at edges %d and %d", id, i, j)
			}
		}
	}
}

// segmentsCross reports whether segments ab and cd properly intersect.
func segmentsCross(a, b, c, d orb.Point) bool {
	cross := func(o, p, q orb.Point) float64 {
		return (p[0]-o[0])*(q[1]-o[1]) - (p[1]-o[1])*(q[0]-o[0])
	}
	return cross(a, b, c)*cross(a, b, d) < 0 && cross(c, d, a)*cross(c, d, b) < 0
}

// patternOf classifies an activity's locations like locClass.
func patternOf(a geo.Activity) locClass {
	if len(a.Locations) > 1 {
		return classMulti
	}
	switch a.Locations[0].Kind {
	case geo.KindPoint:
		return classPoint
	case geo.KindCountry:
		return classCountry
	case geo.KindShape:
		return classShape
	}
	return classCity
}

func TestLocations(t *testing.T) {
	ds := generateTest(t)
	cities := cityIndex()
	continentOf := map[string]string{}
	for _, c := range testCountries {
		continentOf[c.code] = c.continent
	}
	usedCities, countries, continents := map[int64]bool{}, map[string]bool{}, map[string]bool{}
	var patterns [numClasses]int
	multiCountry := 0
	for _, a := range ds.Activities {
		patterns[patternOf(a)]++
		inCountries := map[string]bool{}
		for _, l := range a.Locations {
			if c := checkLocation(t, a.IATIIdentifier, l, cities); c.ID != 0 {
				usedCities[c.ID] = true
			}
			countries[l.CountryCode] = true
			continents[continentOf[l.CountryCode]] = true
			inCountries[l.CountryCode] = true
		}
		if n := len(a.Locations); n < 1 || n > 5 {
			t.Errorf("%s has %d locations", a.IATIIdentifier, n)
		}
		if len(inCountries) > 1 {
			multiCountry++
		}
	}
	for c, share := range classShares {
		if p := percent(patterns[c], len(ds.Activities)); math.Abs(p-float64(share)) > 2 {
			t.Errorf("location pattern %d: %.1f%%, want ~%d%%", c, p, share)
		}
	}
	if multiCountry == 0 {
		t.Error("no activity spans several countries")
	}
	if len(usedCities) < 160 || len(countries) < 55 || len(continents) != 6 {
		t.Errorf("%d cities, %d countries, %d continents; want >= 160, >= 55, 6",
			len(usedCities), len(countries), len(continents))
	}
	t.Logf("%d cities, %d countries, patterns %v", len(usedCities), len(countries), patterns)
}

func TestShapeLocationsAreValid(t *testing.T) {
	cities := []geo.Place{
		{ID: 1, Name: "Equator", CountryCode: "EC", Point: orb.Point{-78.5, -0.2}},
		{ID: 2, Name: "North", CountryCode: "NO", Point: orb.Point{10.7, 69.9}},
		{ID: 3, Name: "East", CountryCode: "FJ", Point: orb.Point{178.4, -18.1}},
	}
	g := &generator{r: newRand(7), cities: cities, used: make([]int, len(cities))}
	index := map[int64]geo.Place{}
	for _, c := range cities {
		index[c.ID] = c
	}
	for i := range 300 {
		p := g.shapeLoc(i % len(cities))
		checkRing(t, p.loc.Name, p.loc.Geometry.(orb.Polygon)[0], cities[i%len(cities)])
	}
}

func TestOffset(t *testing.T) {
	tests := []struct {
		name   string
		p      orb.Point
		dx, dy float64
	}{
		{"east at the equator", orb.Point{0, 0}, 5, 0},
		{"north-west in the south", orb.Point{-58.4, -34.6}, -3, 4},
		{"far north", orb.Point{18.9, 69.6}, 2, -2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := math.Hypot(tc.dx, tc.dy)
			if got := distanceKm(tc.p, offset(tc.p, tc.dx, tc.dy)); math.Abs(got-want) > 0.05*want {
				t.Errorf("moved %.2f km, want %.2f", got, want)
			}
		})
	}
}
