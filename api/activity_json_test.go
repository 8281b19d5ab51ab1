package api

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"github.com/commonground/commonground/geo"
)

// FuzzAppendString: the hand-written JSON string encoder round-trips
// through encoding/json for any valid UTF-8, and always yields valid JSON.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\r", "\x00\x1f", "São Paulo", "\u2028\u2029", "\xff bad", "</script>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got string
		if err := json.Unmarshal(appendString(nil, s), &got); err != nil {
			t.Fatalf("%q: invalid JSON: %v", s, err)
		}
		if utf8.ValidString(s) && got != s {
			t.Fatalf("%q came back as %q", s, got)
		}
	})
}

func TestAppendActivity(t *testing.T) {
	a := geo.ActivityView{
		ID: 7, IATIIdentifier: "ZZ-1", Title: `Flood "early" warning`, Status: geo.StatusImplementation,
		Start: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), Budget: "1250000.50", Currency: "KES", Visibility: geo.Public,
		Organisations: []geo.OrganisationRole{{ID: 3, Slug: "a", Name: "A", Role: geo.RoleLead, Constituency: geo.Foundation}},
		Themes:        []string{"resilience"},
		Locations: []geo.LocationView{
			{Kind: geo.KindPoint, Precision: geo.PrecisionExact, CountryCode: "KE", Point: orb.Point{36.8219001234, -1.2921}},
			{Kind: geo.KindCountry, Precision: geo.PrecisionCountry, CountryCode: "UG", Point: orb.Point{32.3, 1.4}},
		},
	}
	var f struct {
		Type, ID any
		Geometry struct {
			Type        string
			Coordinates [][2]float64
		}
		Properties map[string]any
	}
	raw := appendActivity(nil, a, nil)
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	p := f.Properties
	if f.Geometry.Type != "MultiPoint" || len(f.Geometry.Coordinates) != 2 || f.Geometry.Coordinates[0][0] != 36.8219 {
		t.Errorf("geometry %+v", f.Geometry)
	}
	if p["title"] != a.Title || p["budget"] != 1250000.5 || p["start_date"] != "2024-05-01" || p["end_date"] != nil ||
		p["lead_organisation"] != "A" || p["precision"] != "exact" || p["location_count"] != 2.0 || len(p) != len(activityProperties) {
		t.Errorf("properties %v", p)
	}
	if c := p["countries"].([]any); len(c) != 2 || c[0] != "KE" {
		t.Errorf("countries %v", c)
	}
	only := appendActivity(nil, a, keepSet([]string{"title"}))
	if !strings.Contains(string(only), `"properties":{"title":"Flood \"early\" warning"}}`) {
		t.Errorf("properties=title gave %s", only)
	}
}
