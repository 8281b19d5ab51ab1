package main

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/commonground/commonground/geo"
)

// TestB2StringsDecodeBack checks that B2's collections carry strings that
// decode back to what the rows held.
func TestB2StringsDecodeBack(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\x01", "São Paulo – 東京", "bad \xff byte"} {
		var c struct {
			Features []struct{ Properties struct{ Title string } }
		}
		if err := json.Unmarshal(appendB2Collection(nil, 1, []geo.ActivityView{{ID: 1, Title: s}}), &c); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		got := c.Features[0].Properties.Title
		want := s
		if s == "bad \xff byte" {
			want = "bad \ufffd byte"
		}
		if got != want {
			t.Errorf("%q decoded as %q", s, got)
		}
	}
}

func TestB2FeatureIsValidGeoJSON(t *testing.T) {
	a := geo.ActivityView{ID: 7, Title: "t", Status: "pipeline", Visibility: "public", Budget: "1234.50", UpdatedAt: time.Unix(0, 0).UTC(),
		Locations: []geo.LocationView{{Kind: "point", Precision: "city", CountryCode: "IN", Point: orb.Point{77.1234567, 28.5}},
			{Kind: "point", Precision: "exact", CountryCode: "IN", Point: orb.Point{-1, 2}}},
		Organisations: []geo.OrganisationRole{{ID: 3, Name: "Lead", Role: "lead", Constituency: "research"}},
		Themes:        []string{"gender"}}
	var c struct {
		NumberMatched, NumberReturned int
		Features                      []struct {
			Geometry   struct{ Coordinates [][2]float64 }
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(appendB2Collection(nil, 9, []geo.ActivityView{a}), &c); err != nil {
		t.Fatal(err)
	}
	if c.NumberMatched != 9 || c.NumberReturned != 1 || len(c.Features) != 1 {
		t.Fatalf("numberMatched %d, numberReturned %d, %d features", c.NumberMatched, c.NumberReturned, len(c.Features))
	}
	f := c.Features[0]
	if f.Geometry.Coordinates[0] != [2]float64{77.123457, 28.5} || len(f.Geometry.Coordinates) != 2 {
		t.Errorf("coordinates %v", f.Geometry.Coordinates)
	}
	p := f.Properties
	if p["precision"] != "exact" || p["budget"] != 1234.5 || p["lead_organisation"] != "Lead" || p["location_count"] != 2.0 {
		t.Errorf("properties %v", p)
	}
	if c, _ := p["countries"].([]any); len(c) != 1 {
		t.Errorf("countries %v, want one", p["countries"])
	}
}

func TestSame(t *testing.T) {
	var a, b any
	json.Unmarshal([]byte(`{"x":[1.0000001,"2026-01-01T00:00:00+00:00"],"y":null}`), &a)
	json.Unmarshal([]byte(`{"y":null,"x":[1,"2026-01-01T00:00:00Z"]}`), &b)
	if err := same(a, b, "f"); err != nil {
		t.Error(err)
	}
	json.Unmarshal([]byte(`{"y":null,"x":[1,"2026-01-01"]}`), &b)
	if same(a, b, "f") == nil {
		t.Error("different strings compared the same")
	}
}

func TestRequestsStayInRange(t *testing.T) {
	for _, w := range workloads(10000) {
		for i := range 500 {
			r := w.request(99895, 3, i)
			if r.offset < 0 || r.offset+r.limit > 10000 || (w.bbox != nil && r.offset != 0) {
				t.Fatalf("%s request %d: offset %d", w.Name, i, r.offset)
			}
		}
	}
}

func TestLocalOnly(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:8080", "postgres://u:p@localhost:5432/db", "http://[::1]:80"} {
		if err := localOnly(u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	for _, u := range []string{"http://example.org", "postgres://u:p@10.0.0.1/db"} {
		if localOnly(u) == nil {
			t.Errorf("%s accepted", u)
		}
	}
	if sizeLabel(10000) != "10k" || sizeLabel(1000000) != "1m" || sizeLabel(1234) != "1234" {
		t.Error("sizeLabel")
	}
}
