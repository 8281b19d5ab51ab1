package main

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

func TestAppendStringDecodesBack(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\x01", "São Paulo – 東京", "bad \xff byte"} {
		var got string
		if err := json.Unmarshal(appendString(nil, s), &got); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		want := s
		if s == "bad \xff byte" {
			want = "bad \ufffd byte"
		}
		if got != want {
			t.Errorf("%q decoded as %q", s, got)
		}
	}
}

func TestAppendFeatureIsValidGeoJSON(t *testing.T) {
	cc, budget := "IN", "1234.50"
	a := b2Activity{id: 7, title: "t", status: "pipeline", vis: "public", budget: &budget, updated: time.Unix(0, 0).UTC(),
		locs: []b2Location{{kind: "point", precision: "city", country: &cc, point: orb.Point{77.1234567, 28.5}},
			{kind: "point", precision: "exact", country: &cc, point: orb.Point{-1, 2}}},
		orgs:   []b2Org{{id: 3, name: "Lead", role: "lead", constituency: "research"}},
		themes: []string{"gender"}}
	var f struct {
		Geometry   struct{ Coordinates [][2]float64 }
		Properties map[string]any
	}
	if err := json.Unmarshal(appendFeature(nil, &a), &f); err != nil {
		t.Fatal(err)
	}
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
