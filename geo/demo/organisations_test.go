package demo

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/commonground/commonground/geo"
)

// slugRE matches a valid slug.
var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestOrganisations(t *testing.T) {
	ds := generateTest(t)
	if len(ds.Organisations) < 35 {
		t.Fatalf("%d organisations, want at least 35", len(ds.Organisations))
	}
	cityPoints := map[[2]float64]bool{}
	for _, c := range cityIndex() {
		cityPoints[[2]float64(c.Point)] = true
	}
	seen := map[string]bool{}
	constituencies := map[geo.Constituency]bool{}
	withIATI, recent, withAliases := 0, 0, 0
	for _, o := range ds.Organisations {
		t.Run(o.Slug, func(t *testing.T) { checkOrganisation(t, o, cityPoints, seen) })
		seen[o.Slug] = true
		constituencies[o.Constituency] = true
		if o.IATIOrgID != "" {
			withIATI++
		}
		if y := o.LastReported.Year(); y == 2025 || y == 2026 {
			recent++
		}
		if len(o.Aliases) > 0 {
			withAliases++
		}
	}
	for _, c := range geo.Constituencies {
		if !constituencies[c] {
			t.Errorf("no organisation of constituency %s", c)
		}
	}
	n := len(ds.Organisations)
	if withIATI*10 < n*8 || withIATI == n {
		t.Errorf("%d of %d have an IATI id, want most but not all", withIATI, n)
	}
	if recent*10 < n*7 || recent == n {
		t.Errorf("%d of %d reported in 2025-2026, want most but not all", recent, n)
	}
	if withAliases < n/2 {
		t.Errorf("%d of %d have aliases", withAliases, n)
	}
}

// checkOrganisation checks one organisation's fields.
func checkOrganisation(t *testing.T, o geo.Organisation, cityPoints map[[2]float64]bool, seen map[string]bool) {
	iatiRE := regexp.MustCompile(`^ZZ-DEMO-\d{3}$`)
	if !slugRE.MatchString(o.Slug) || seen[o.Slug] {
		t.Errorf("slug %q invalid or repeated", o.Slug)
	}
	if !strings.HasSuffix(o.Name, " (demo)") || o.ShortName == "" || len(o.ShortName) > 20 {
		t.Errorf("name %q / short name %q", o.Name, o.ShortName)
	}
	if o.IATIOrgID != "" && !iatiRE.MatchString(o.IATIOrgID) {
		t.Errorf("IATI organisation id %q", o.IATIOrgID)
	}
	if o.Website != "https://"+o.Slug+".example.org" {
		t.Errorf("website %q", o.Website)
	}
	if o.HQ == nil || !cityPoints[[2]float64(*o.HQ)] {
		t.Errorf("HQ %v is not a city point", o.HQ)
	}
	if o.MemberSince.Year() < 2012 || o.MemberSince.Year() > 2024 {
		t.Errorf("member since %v", o.MemberSince)
	}
	if o.LastReported.IsZero() || o.LastReported.Year() < 2022 || o.LastReported.Year() > 2026 {
		t.Errorf("last reported %v", o.LastReported)
	}
	if !o.Demo || o.ID != 0 {
		t.Errorf("Demo = %v, ID = %d", o.Demo, o.ID)
	}
}

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Riverline Mayors' Assembly", "riverline-mayors-assembly"},
		{"Federação Comunitária Morro Azul", "federacao-comunitaria-morro-azul"},
		{"Estavia Ministry of Foreign Affairs, Cities Desk", "estavia-ministry-of-foreign-affairs-cities-desk"},
		{"  Gender-Equal  Cities 2030 ", "gender-equal-cities-2030"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := slugify(tc.in); got != tc.want {
				t.Errorf("slugify(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestActivityPrefix(t *testing.T) {
	tests := []struct {
		name string
		org  geo.Organisation
		want string
	}{
		{"with IATI id", geo.Organisation{Slug: "a-b", IATIOrgID: "ZZ-DEMO-007"}, "ZZ-DEMO-007"},
		{"without", geo.Organisation{Slug: "amberline-trust"}, "ZZ-DEMO-AMBERLINE-TRUST"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := activityPrefix(tc.org); got != tc.want {
				t.Errorf("activityPrefix = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRandomDateStaysInRange(t *testing.T) {
	r := newRand(99)
	lo, hi := day(2025, 1, 1), day(2025, 1, 31)
	for range 200 {
		d := randomDate(r, lo, hi)
		if d.Before(lo) || d.After(hi) || d.Location() != time.UTC || d.Hour() != 0 {
			t.Fatalf("randomDate = %v, want a UTC midnight in [%v, %v]", d, lo, hi)
		}
	}
}
