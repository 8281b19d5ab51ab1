package demo

import (
	"slices"
	"strings"
	"testing"

	"github.com/commonground/commonground/geo"
)

func TestProgrammes(t *testing.T) {
	ds := generateTest(t)
	if len(ds.Programmes) < 12 {
		t.Fatalf("%d programmes, want at least 12", len(ds.Programmes))
	}
	orgs := map[string]bool{}
	for _, o := range ds.Organisations {
		orgs[o.Slug] = true
	}
	types := map[geo.ProgrammeType]bool{}
	tiers := map[int]bool{}
	members := map[string]bool{}
	slugs := map[string]bool{}
	for _, p := range ds.Programmes {
		t.Run(p.Slug, func(t *testing.T) { checkProgramme(t, p, orgs, slugs) })
		slugs[p.Slug] = true
		types[p.Type] = true
		tiers[p.Tier] = true
		members[p.LeadSlug] = true
		for _, s := range p.ParticipantSlugs {
			members[s] = true
		}
	}
	for _, typ := range geo.ProgrammeTypes {
		if !types[typ] {
			t.Errorf("no programme of type %s", typ)
		}
	}
	for tier := 1; tier <= 3; tier++ {
		if !tiers[tier] {
			t.Errorf("no programme of tier %d", tier)
		}
	}
	for _, o := range ds.Organisations {
		if !members[o.Slug] {
			t.Errorf("%s belongs to no programme", o.Slug)
		}
	}
}

// checkProgramme checks one programme's fields.
func checkProgramme(t *testing.T, p geo.Programme, orgs, slugs map[string]bool) {
	if slugs[p.Slug] || !slugRE.MatchString(p.Slug) {
		t.Errorf("slug %q invalid or repeated", p.Slug)
	}
	if !strings.HasSuffix(p.Name, " (demo)") || !strings.Contains(p.Description, "Invented") {
		t.Errorf("name %q, description %q", p.Name, p.Description)
	}
	if !orgs[p.LeadSlug] {
		t.Errorf("lead %q is not an organisation", p.LeadSlug)
	}
	if n := len(p.ParticipantSlugs); n < 2 || n > 8 {
		t.Errorf("%d participants, want 2-8", n)
	}
	seen := map[string]bool{p.LeadSlug: true}
	for _, s := range p.ParticipantSlugs {
		if !orgs[s] || seen[s] {
			t.Errorf("participant %q unknown, the lead or repeated", s)
		}
		seen[s] = true
	}
	if !p.Demo {
		t.Error("Demo is false")
	}
}

func TestCountryProgrammeActivitiesStayInTheirCountry(t *testing.T) {
	ds := generateTest(t)
	country := map[string]string{}
	for _, p := range ds.Programmes {
		if p.Type != geo.CountryProgramme {
			continue
		}
		for _, cc := range []string{"KE", "BD", "PH"} {
			if strings.HasPrefix(p.Name, countryLabel(cc)+" ") {
				country[p.Slug] = cc
			}
		}
	}
	if len(country) != 3 {
		t.Fatalf("country programmes %v, want Kenya, Bangladesh and the Philippines", country)
	}
	n := 0
	for _, a := range ds.Activities {
		cc, ok := country[a.ProgrammeSlug]
		if !ok {
			continue
		}
		n++
		for _, l := range a.Locations {
			if l.CountryCode != cc {
				t.Errorf("%s of %s is located in %s", a.IATIIdentifier, a.ProgrammeSlug, l.CountryCode)
			}
		}
	}
	if n == 0 {
		t.Error("no activity in a country programme")
	}
}

func TestProgrammeCountriesPreferListedCountries(t *testing.T) {
	cities := []geo.Place{
		{ID: 1, CountryCode: "US"}, {ID: 2, CountryCode: "US"}, {ID: 3, CountryCode: "US"},
		{ID: 4, CountryCode: "BD"}, {ID: 5, CountryCode: "BD"}, {ID: 6, CountryCode: "KE"},
		{ID: 7, CountryCode: "FR"}, {ID: 8, CountryCode: "FR"},
	}
	got := programmeCountries(cities)
	want := []string{"BD", "US", "FR", "KE"}
	if !slices.Equal(got, want) {
		t.Errorf("programmeCountries = %v, want %v", got, want)
	}
}
