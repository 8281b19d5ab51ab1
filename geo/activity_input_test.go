package geo

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

func validInput() ActivityInput {
	return ActivityInput{Title: "T", Organisations: []OrganisationRef{{ID: 1, Role: RoleLead}},
		Locations: []LocationInput{{Kind: KindPoint, Geometry: orb.Point{1, 2}}}}
}

func TestActivityInputValidate(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	square := orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}
	cases := []struct {
		name    string
		edit    func(*ActivityInput)
		pointer string // "" for valid
	}{
		{"valid", func(*ActivityInput) {}, ""},
		{"a shape", func(in *ActivityInput) { in.Locations[0] = LocationInput{Kind: KindShape, Geometry: square} }, ""},
		{"blank title", func(in *ActivityInput) { in.Title = "  " }, "/properties/title"},
		{"long title", func(in *ActivityInput) { in.Title = strings.Repeat("a", MaxTitleLen+1) }, "/properties/title"},
		{"tab in title", func(in *ActivityInput) { in.Title = "a\tb" }, "/properties/title"},
		{"newline in description is fine", func(in *ActivityInput) { in.Description = "a\nb" }, ""},
		{"end before start", func(in *ActivityInput) { in.Start, in.End = day("2025-02-01"), day("2025-01-01") }, "/properties/end_date"},
		{"budget without currency", func(in *ActivityInput) { in.Budget = "1" }, "/properties/currency"},
		{"no lead", func(in *ActivityInput) { in.Organisations[0].Role = RolePartner }, "/properties/organisations"},
		{"same organisation twice", func(in *ActivityInput) { in.Organisations = append(in.Organisations, in.Organisations[0]) }, "/properties/organisations/1"},
		{"theme twice", func(in *ActivityInput) { in.Themes = []string{"gender", "gender"} }, "/properties/themes/1"},
		{"place with geometry", func(in *ActivityInput) {
			in.Locations[0] = LocationInput{Kind: KindPlace, PlaceID: 5, Geometry: orb.Point{1, 1}}
		}, "/properties/locations/0/geometry"},
		{"country with precision exact", func(in *ActivityInput) {
			in.Locations[0] = LocationInput{Kind: KindCountry, CountryCode: "KE", Precision: PrecisionExact}
		}, "/properties/locations/0/precision"},
		{"admin area without name", func(in *ActivityInput) { in.Locations[0] = LocationInput{Kind: KindAdminArea, Geometry: square} }, "/properties/locations/0/admin_area"},
		{"shape as a point", func(in *ActivityInput) { in.Locations[0] = LocationInput{Kind: KindShape, Geometry: orb.Point{1, 1}} }, "/properties/locations/0/geometry"},
		{"open ring", func(in *ActivityInput) {
			in.Locations[0] = LocationInput{Kind: KindShape, Geometry: orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}}
		}, "/properties/locations/0/geometry"},
		{"lower-case country", func(in *ActivityInput) { in.Locations[0].CountryCode = "ke" }, "/properties/locations/0/country_code"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := validInput()
			c.edit(&in)
			in.Normalise()
			err := in.Validate()
			if c.pointer == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != EInvalid {
				t.Fatalf("want EInvalid, got %v", err)
			}
			for _, f := range e.Fields {
				if f.Pointer == c.pointer {
					return
				}
			}
			t.Errorf("no fault at %s: %+v", c.pointer, e.Fields)
		})
	}
}

func TestNormaliseAndDiff(t *testing.T) {
	a := validInput()
	a.Budget = "007.5"
	a.Organisations = []OrganisationRef{{ID: 9, Role: RolePartner}, {ID: 3, Role: RoleLead}}
	a.Themes = []string{"resilience", "gender"}
	a.Normalise()
	if a.Budget != "7.50" || a.Status != StatusImplementation || a.Visibility != Public || a.Locations[0].Precision != PrecisionExact {
		t.Errorf("normalised: %+v", a)
	}
	if a.Organisations[0].ID != 9 || a.Themes[0] != "resilience" {
		t.Errorf("Normalise reordered the client's lists: %+v %v", a.Organisations, a.Themes)
	}
	b := a
	b.Organisations = []OrganisationRef{{ID: 3, Role: RoleLead}, {ID: 9, Role: RolePartner}}
	b.Themes = []string{"gender", "resilience"}
	if d := DiffFields(a.Fields(), b.Fields()); len(d) != 0 {
		t.Errorf("the same sets in another order differ: %v", d)
	}
	b.Title = "U"
	d := DiffFields(a.Fields(), b.Fields())
	if len(d) != 1 || string(d["title"].Before) != `"T"` || string(d["title"].After) != `"U"` {
		t.Errorf("diff: %v", d)
	}
	if c := DiffFields(nil, a.Fields()); len(c) != 8 || string(c["budget"].After) != `"7.50"` {
		t.Errorf("creation: %d fields %v", len(c), c)
	}
}
