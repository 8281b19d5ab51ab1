package postgis_test

import (
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/internal/dataload"
	"github.com/commonground/commonground/internal/pgtest"
)

func TestReferenceLoaded(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.New(t, pgtest.Reference)
	conn := connect(t, dbURL)

	checks := []struct {
		name string
		sql  string
		want func(n int64) bool
		says string
	}{
		{"countries", `SELECT count(*) FROM countries`, func(n int64) bool { return n >= 240 }, ">= 240"},
		{"invalid country geometries", `SELECT count(*) FROM countries WHERE NOT ST_IsValid(geom)`, zero, "0"},
		{"country polygons wider than 180 degrees", `SELECT count(*) FROM countries c, ST_Dump(c.geom) d
			WHERE ST_XMax(d.geom) - ST_XMin(d.geom) > 180`, zero, "0"},
		{"countries without a region", `SELECT count(*) FROM countries WHERE region_code IS NULL AND iso_a2 <> 'AQ'`, zero, "0"},
		{"places", `SELECT count(*) FROM places`, func(n int64) bool { return n > 100000 }, "> 100000"},
		{"places under 1000 people", `SELECT count(*) FROM places WHERE population < 1000`, zero, "0"},
		{"regions", `SELECT count(*) FROM regions`, func(n int64) bool { return n >= 20 }, ">= 20"},
		{"Fiji split into pieces on both sides of the antimeridian", `SELECT count(DISTINCT sign(ST_X(ST_Centroid(d.geom))))
			FROM countries c, ST_Dump(c.geom) d WHERE c.iso_a2 = 'FJ'`, func(n int64) bool { return n == 2 }, "2"},
		{"Russia reaches both edges", `SELECT count(*) FROM countries WHERE iso_a2 = 'RU'
			AND ST_XMin(geom) <= -179.9 AND ST_XMax(geom) >= 179.9`, func(n int64) bool { return n == 1 }, "1"},
		{"Nairobi inside Kenya", `SELECT count(*) FROM places p JOIN countries c ON ST_Intersects(c.geom, p.geom)
			WHERE p.geonameid = 184745 AND c.iso_a2 = 'KE'`, func(n int64) bool { return n == 1 }, "1"},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			var n int64
			if err := conn.QueryRow(ctx, c.sql).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if !c.want(n) {
				t.Errorf("got %d, want %s", n, c.says)
			}
		})
	}

	// Loading again leaves the same rows and the same country ids.
	var before, after string
	fingerprint := `SELECT md5(string_agg(id || iso_a2 || md5(ST_AsBinary(geom)), ',' ORDER BY iso_a2))
		|| (SELECT count(*) FROM places) || (SELECT count(*) FROM regions) FROM countries`
	if err := conn.QueryRow(ctx, fingerprint).Scan(&before); err != nil {
		t.Fatal(err)
	}
	if _, err := dataload.Reference(ctx, open(t, dbURL)); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, fingerprint).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if before != after {
		t.Errorf("reloading reference data changed it: %s -> %s", before, after)
	}
}

func zero(n int64) bool { return n == 0 }

// A country whose repaired outline is still wider than 180 degrees is split
// at the prime meridian; a narrow one is stored as given; bad rows fail the
// whole load.
func TestLoadReferenceSplitsWideCountries(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.New(t, pgtest.Migrated)
	s := open(t, dbURL)
	regions := []geo.Region{{Code: "009", Name: "Oceania"}, {Code: "053", Name: "Australia and New Zealand", ParentCode: "009"}}
	wide := orb.MultiPolygon{{{{-170, -80}, {170, -80}, {170, -70}, {-170, -70}, {-170, -80}}}}
	narrow := orb.MultiPolygon{{{{10, 10}, {11, 10}, {11, 11}, {10, 11}, {10, 10}}}}
	countries := []geo.Country{
		{ISOA2: "XQ", ISOA3: "XQQ", Name: "Wide test land", RegionCode: "009", Geometry: wide},
		{ISOA2: "XW", ISOA3: "XWW", Name: "Narrow test land", RegionCode: "009", SubRegionCode: "053", Geometry: narrow},
	}
	places := []geo.Place{{ID: 1, Name: "Testville", ASCIIName: "Testville", CountryCode: "XW", Population: 5000, Point: orb.Point{10.5, 10.5}}}
	n, err := s.LoadReference(ctx, regions, countries, places)
	if err != nil {
		t.Fatal(err)
	}
	if n.Countries != 2 || n.Regions != 2 || n.Places != 1 {
		t.Fatalf("counts = %+v", n)
	}
	var pieces, wider int
	var area float64
	err = connect(t, dbURL).QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE ST_XMax(d.geom) - ST_XMin(d.geom) > 180),
		sum(ST_Area(d.geom)) FROM countries c, ST_Dump(c.geom) d WHERE c.iso_a2 = 'XQ'`).Scan(&pieces, &wider, &area)
	if err != nil {
		t.Fatal(err)
	}
	if pieces != 2 || wider != 0 || math.Abs(area-340*10) > 0.01 {
		t.Errorf("wide country stored as %d pieces, %d wider than 180, area %.4f; want 2, 0, 3400", pieces, wider, area)
	}

	bad := []geo.Country{{ISOA2: "XV", ISOA3: "XVV", Name: "Bad region", RegionCode: "999", Geometry: narrow}}
	if _, err := s.LoadReference(ctx, regions, bad, places); geo.ErrorCode(err) != geo.EInvalid {
		t.Errorf("unknown region: err = %v, want invalid", err)
	}
	nan := []geo.Country{{ISOA2: "XV", ISOA3: "XVV", Name: "NaN land", Geometry: orb.MultiPolygon{{{{0, 0}, {1, 0}, {math.NaN(), 1}, {0, 0}}}}}}
	if _, err := s.LoadReference(ctx, regions, nan, places); geo.ErrorCode(err) != geo.EInvalid {
		t.Errorf("NaN coordinate: err = %v, want invalid", err)
	}
	if got, _ := s.CountryCodes(ctx); len(got) != 2 {
		t.Errorf("a failed load changed the countries: %v", got)
	}
}
