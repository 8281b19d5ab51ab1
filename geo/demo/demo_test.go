package demo

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/commonground/commonground/geo"
	"github.com/paulmach/orb"
)

// testCountry is a country of the synthetic gazetteer with its continent and
// a rough centre.
type testCountry struct {
	code, continent string
	lon, lat        float64
}

// testCountries are 80 countries over the six inhabited continents.
var testCountries = []testCountry{
	{"KE", "AF", 37.9, -0.5}, {"UG", "AF", 32.4, 1.3}, {"TZ", "AF", 35.0, -6.3}, {"ET", "AF", 39.6, 9.1},
	{"NG", "AF", 8.1, 9.1}, {"GH", "AF", -1.0, 7.9}, {"SN", "AF", -14.5, 14.5}, {"CI", "AF", -5.5, 7.5},
	{"ML", "AF", -4.0, 17.6}, {"BF", "AF", -1.6, 12.2}, {"NE", "AF", 8.1, 17.6}, {"CM", "AF", 12.4, 7.4},
	{"CD", "AF", 21.8, -4.0}, {"AO", "AF", 17.9, -11.2}, {"MZ", "AF", 35.5, -18.7}, {"ZA", "AF", 25.0, -29.0},
	{"ZW", "AF", 29.2, -19.0}, {"ZM", "AF", 27.8, -13.1}, {"MA", "AF", -7.1, 31.8}, {"EG", "AF", 30.8, 26.8},
	{"IN", "AS", 78.9, 21.0}, {"BD", "AS", 90.4, 23.7}, {"PK", "AS", 69.3, 30.4}, {"NP", "AS", 84.1, 28.4},
	{"LK", "AS", 80.8, 7.9}, {"PH", "AS", 121.8, 12.9}, {"ID", "AS", 113.9, -0.8}, {"VN", "AS", 108.3, 14.1},
	{"TH", "AS", 101.0, 15.9}, {"MM", "AS", 96.0, 21.9}, {"KH", "AS", 104.9, 12.6}, {"CN", "AS", 104.2, 35.9},
	{"MN", "AS", 103.8, 46.9}, {"KZ", "AS", 66.9, 48.0}, {"UZ", "AS", 64.6, 41.4}, {"JO", "AS", 36.2, 30.6},
	{"LB", "AS", 35.9, 33.9}, {"IQ", "AS", 43.7, 33.2}, {"AF", "AS", 67.7, 33.9}, {"YE", "AS", 48.5, 15.6},
	{"GB", "EU", -3.4, 54.0}, {"FR", "EU", 2.2, 46.2}, {"DE", "EU", 10.4, 51.2}, {"ES", "EU", -3.7, 40.5},
	{"IT", "EU", 12.6, 41.9}, {"PT", "EU", -8.2, 39.4}, {"NL", "EU", 5.3, 52.1}, {"SE", "EU", 18.6, 60.1},
	{"CH", "EU", 8.2, 46.8}, {"PL", "EU", 19.1, 51.9}, {"UA", "EU", 31.2, 48.4}, {"RO", "EU", 24.9, 45.9},
	{"US", "NA", -95.7, 37.1}, {"CA", "NA", -106.3, 56.1}, {"MX", "NA", -102.6, 23.6}, {"GT", "NA", -90.2, 15.8},
	{"HN", "NA", -86.2, 15.2}, {"SV", "NA", -88.9, 13.8}, {"HT", "NA", -72.3, 19.0}, {"DO", "NA", -70.2, 18.7},
	{"CU", "NA", -77.8, 21.5}, {"JM", "NA", -77.3, 18.1},
	{"BR", "SA", -51.9, -14.2}, {"CO", "SA", -74.3, 4.6}, {"PE", "SA", -75.0, -9.2}, {"EC", "SA", -78.2, -1.8},
	{"BO", "SA", -63.6, -16.3}, {"CL", "SA", -71.5, -35.7}, {"AR", "SA", -63.6, -38.4}, {"VE", "SA", -66.6, 6.4},
	{"PY", "SA", -58.4, -23.4}, {"UY", "SA", -55.8, -32.5},
	{"AU", "OC", 133.8, -25.3}, {"NZ", "OC", 174.9, -40.9}, {"PG", "OC", 143.9, -6.3}, {"FJ", "OC", 178.1, -17.7},
	{"SB", "OC", 160.2, -9.6}, {"VU", "OC", 166.9, -15.4}, {"WS", "OC", -172.1, -13.8}, {"NC", "OC", 165.6, -20.9},
}

// testCities builds the synthetic gazetteer: five cities per country (400),
// plus places Generate must ignore (too small, unknown country, duplicate id).
func testCities() []geo.Place {
	var out []geo.Place
	for i, c := range testCountries {
		for k := range 5 {
			id := int64(100000 + 10*i + k)
			out = append(out, geo.Place{
				ID: id, Name: fmt.Sprintf("%s Town %d", c.code, k+1), CountryCode: c.code,
				FeatureCode: "PPL", Population: int64(6_000_000/(k+1)) + int64(37_000*((i*7+k*3)%11)),
				Point: orb.Point{c.lon + float64(k)*0.9 - 1.8, c.lat + float64((k*3)%5)*0.7 - 1.4},
			})
		}
	}
	return append(out,
		geo.Place{ID: 1, Name: "Small Town", CountryCode: "KE", Population: 120_000, Point: orb.Point{36, -1}},
		geo.Place{ID: 2, Name: "Nowhere City", CountryCode: "QQ", Population: 900_000, Point: orb.Point{0, 0}},
		geo.Place{ID: 100000, Name: "Duplicate", CountryCode: "KE", Population: 800_000, Point: orb.Point{37, 0}},
	)
}

// testCodes is the reference set of country codes: the test countries and a
// few more.
func testCodes() map[string]bool {
	m := map[string]bool{"FR": true, "RU": true, "XK": true}
	for _, c := range testCountries {
		m[c.code] = true
	}
	return m
}

// generateTest generates the demo data from the synthetic gazetteer.
func generateTest(t *testing.T) Dataset {
	t.Helper()
	ds, err := Generate(testCities(), testCodes())
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return ds
}

// cityIndex maps the usable test cities by id.
func cityIndex() map[int64]geo.Place {
	m := map[int64]geo.Place{}
	for _, c := range testCities()[:400] {
		m[c.ID] = c
	}
	return m
}

// distanceKm is the haversine distance between two points.
func distanceKm(a, b orb.Point) float64 {
	const r = 6371.0
	la1, la2 := a.Lat()*math.Pi/180, b.Lat()*math.Pi/180
	dLat, dLon := la2-la1, (b.Lon()-a.Lon())*math.Pi/180
	h := math.Pow(math.Sin(dLat/2), 2) + math.Cos(la1)*math.Cos(la2)*math.Pow(math.Sin(dLon/2), 2)
	return 2 * r * math.Asin(math.Sqrt(h))
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := generateTest(t), generateTest(t)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two calls with the same input differ")
	}
	reversed := testCities()
	for i, j := 0, len(reversed)-1; i < j; i, j = i+1, j-1 {
		reversed[i], reversed[j] = reversed[j], reversed[i]
	}
	c, err := Generate(reversed, testCodes())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Activities, c.Activities) {
		t.Error("input order changes the output; cities must be sorted first")
	}
}

func TestGenerateGoldenSummary(t *testing.T) {
	ds := generateTest(t)
	got := map[string]int{}
	for _, o := range ds.Organisations {
		got["constituency:"+string(o.Constituency)]++
	}
	for _, a := range ds.Activities {
		got["visibility:"+string(a.Visibility)]++
		for _, l := range a.Locations {
			got["kind:"+string(l.Kind)]++
		}
	}
	want := map[string]int{
		"constituency:multilateral": 5, "constituency:national_government": 5,
		"constituency:local_government_association": 5, "constituency:slum_dweller_federation": 5,
		"constituency:civil_society": 6, "constituency:foundation": 5, "constituency:private_sector": 4,
		"constituency:research": 5,
		"visibility:public":     595, "visibility:members": 70, "visibility:draft": 35,
		"kind:place": 383, "kind:point": 338, "kind:country": 153, "kind:shape": 69,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %d, want %d", k, got[k], v)
		}
	}
	t.Logf("summary: %v", got)
}

func TestGenerateRejectsThinInput(t *testing.T) {
	cities := testCities()
	tests := []struct {
		name   string
		cities []geo.Place
		codes  map[string]bool
	}{
		{"too few cities", func() []geo.Place {
			var one []geo.Place
			for i := 0; i < 400; i += 5 {
				one = append(one, cities[i])
			}
			return one
		}(), testCodes()},
		{"too few countries", cities[:50*5], testCodes()},
		{"unknown countries", cities, map[string]bool{"KE": true}},
		{"too small", func() []geo.Place {
			small := append([]geo.Place(nil), cities...)
			for i := range small {
				small[i].Population = MinCityPopulation - 1
			}
			return small
		}(), testCodes()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Generate(tc.cities, tc.codes)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want *InputError", err)
			}
		})
	}
}

func TestSelectCitiesIncludesSecondaryCities(t *testing.T) {
	sel := selectCities(usableCities(testCities(), testCodes()))
	if len(sel) != maxSelectedCities {
		t.Fatalf("selected %d cities, want %d", len(sel), maxSelectedCities)
	}
	rank := map[int]int{}
	for _, c := range sel {
		if c.ID < 100000 {
			t.Errorf("selected an ignored place %d", c.ID)
		}
		rank[int(c.ID%10)]++
	}
	if rank[0] != len(testCountries) || rank[2] == 0 {
		t.Errorf("cities by rank in their country = %v, want every largest city and secondary ones", rank)
	}
}
