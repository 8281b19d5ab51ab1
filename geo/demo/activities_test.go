package demo

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/commonground/commonground/geo"
)

// wantThemes is the theme vocabulary of the database.
var wantThemes = []string{
	"resilience", "informal_settlements", "climate_adaptation", "local_governance",
	"municipal_finance", "migration_displacement", "urban_crisis_response", "basic_services",
	"land_housing", "urban_planning", "gender", "youth_jobs", "data_monitoring", "public_space",
}

// percent is 100*n/total.
func percent(n, total int) float64 { return 100 * float64(n) / float64(total) }

func TestActivityIdentifiers(t *testing.T) {
	ds := generateTest(t)
	if len(ds.Activities) < 650 {
		t.Fatalf("%d activities, want at least 650", len(ds.Activities))
	}
	prefix := map[string]string{}
	for _, o := range ds.Organisations {
		prefix[o.Slug] = activityPrefix(o)
	}
	idRE := regexp.MustCompile(`^ZZ-DEMO-[A-Z0-9-]+-A\d{4}$`)
	seen := map[string]bool{}
	for _, a := range ds.Activities {
		id := a.IATIIdentifier
		if seen[id] || !idRE.MatchString(id) || !strings.HasPrefix(id, prefix[a.Organisations[0].Slug]+"-A") {
			t.Errorf("identifier %q repeated, malformed or not its lead's", id)
		}
		seen[id] = true
	}
	if !slices.IsSortedFunc(ds.Activities, func(a, b geo.Activity) int {
		return strings.Compare(a.IATIIdentifier, b.IATIIdentifier)
	}) {
		t.Error("activities are not sorted by identifier")
	}
}

func TestActivityTextAndVisibility(t *testing.T) {
	ds := generateTest(t)
	progs := map[string]bool{}
	for _, p := range ds.Programmes {
		progs[p.Slug] = true
	}
	vis := map[geo.Visibility]int{}
	inProgramme := 0
	for _, a := range ds.Activities {
		vis[a.Visibility]++
		hasSentinel := strings.HasSuffix(a.Title, " "+Sentinel)
		if (a.Visibility != geo.Public) != hasSentinel || strings.Count(a.Title, Sentinel) > 1 {
			t.Errorf("%s (%s) title %q", a.IATIIdentifier, a.Visibility, a.Title)
		}
		if len(strings.TrimSuffix(a.Title, " "+Sentinel)) < 20 || strings.Contains(a.Title, "%") {
			t.Errorf("%s title %q", a.IATIIdentifier, a.Title)
		}
		if !strings.HasPrefix(a.Description, "Invented activity for demonstration; not a real project.") {
			t.Errorf("%s description %q", a.IATIIdentifier, a.Description)
		}
		if strings.Contains(a.Description, Sentinel) || !a.Demo || a.ID != 0 {
			t.Errorf("%s: sentinel in description, Demo false or ID set", a.IATIIdentifier)
		}
		if a.ProgrammeSlug != "" {
			inProgramme++
			if !progs[a.ProgrammeSlug] {
				t.Errorf("%s programme %q unknown", a.IATIIdentifier, a.ProgrammeSlug)
			}
		}
	}
	n := len(ds.Activities)
	if p := percent(vis[geo.Members], n); p < 8 || p > 12 {
		t.Errorf("members-only %.1f%%, want ~10%%", p)
	}
	if p := percent(vis[geo.Draft], n); p < 4 || p > 6 {
		t.Errorf("draft %.1f%%, want ~5%%", p)
	}
	if p := percent(inProgramme, n); p < 75 || p == 100 {
		t.Errorf("%.1f%% in a programme, want most", p)
	}
}

func TestActivityOrganisationsAndThemes(t *testing.T) {
	ds := generateTest(t)
	orgs := map[string]bool{}
	for _, o := range ds.Organisations {
		orgs[o.Slug] = true
	}
	leads := map[string]int{}
	partners := map[int]int{}
	for _, a := range ds.Activities {
		if len(a.Organisations) < 1 || len(a.Organisations) > 4 || a.Organisations[0].Role != geo.RoleLead {
			t.Fatalf("%s organisations %v", a.IATIIdentifier, a.Organisations)
		}
		leads[a.Organisations[0].Slug]++
		partners[len(a.Organisations)-1]++
		seen := map[string]bool{}
		for i, o := range a.Organisations {
			other := o.Role == geo.RoleImplementing || o.Role == geo.RoleFunding || o.Role == geo.RolePartner
			if !orgs[o.Slug] || seen[o.Slug] || (i > 0 && !other) {
				t.Errorf("%s organisation %v unknown, repeated or a second lead", a.IATIIdentifier, o)
			}
			seen[o.Slug] = true
		}
		if len(a.Themes) < 1 || len(a.Themes) > 3 {
			t.Errorf("%s has %d themes", a.IATIIdentifier, len(a.Themes))
		}
		for i, th := range a.Themes {
			if !slices.Contains(wantThemes, th) || slices.Contains(a.Themes[:i], th) {
				t.Errorf("%s theme %q unknown or repeated", a.IATIIdentifier, th)
			}
		}
	}
	if len(leads) != len(ds.Organisations) {
		t.Errorf("%d of %d organisations lead an activity", len(leads), len(ds.Organisations))
	}
	for k := range 4 {
		if partners[k] == 0 {
			t.Errorf("no activity with %d other organisations", k)
		}
	}
}

func TestActivityStatusAndPeriod(t *testing.T) {
	ds := generateTest(t)
	ref := referenceDate()
	status := map[geo.Status]int{}
	withEnd := 0
	for _, a := range ds.Activities {
		status[a.Status]++
		if a.Start.Before(day(2016, 1, 1)) || a.Start.After(day(2026, 12, 31)) {
			t.Errorf("%s starts %v", a.IATIIdentifier, a.Start)
		}
		if !a.End.IsZero() {
			withEnd++
			days := a.End.Sub(a.Start).Hours() / 24
			if days < 365 || days > 6*366+3 {
				t.Errorf("%s lasts %.0f days", a.IATIIdentifier, days)
			}
		}
		switch a.Status {
		case geo.StatusPipeline:
			if !a.Start.After(ref) {
				t.Errorf("%s is pipeline but started %v", a.IATIIdentifier, a.Start)
			}
		case geo.StatusImplementation:
			if a.Start.After(ref) || (!a.End.IsZero() && !a.End.After(ref)) {
				t.Errorf("%s is in implementation from %v to %v", a.IATIIdentifier, a.Start, a.End)
			}
		case geo.StatusClosed, geo.StatusFinalisation:
			if a.End.IsZero() || a.End.After(ref) {
				t.Errorf("%s is %s but ends %v", a.IATIIdentifier, a.Status, a.End)
			}
		}
	}
	n := len(ds.Activities)
	for _, s := range geo.Statuses {
		if status[s] == 0 {
			t.Errorf("no activity with status %s", s)
		}
	}
	if p := percent(status[geo.StatusImplementation], n); p < 45 {
		t.Errorf("implementation %.1f%%, want most", p)
	}
	if p := percent(withEnd, n); p < 80 || withEnd == n {
		t.Errorf("%.1f%% have an end, want most but not all", p)
	}
}

func TestActivityBudgets(t *testing.T) {
	ds := generateTest(t)
	currencies := map[string]int{}
	with := 0
	for _, a := range ds.Activities {
		if a.Budget == nil {
			continue
		}
		with++
		currencies[a.Budget.Currency]++
		amt := a.Budget.Amount
		if amt < 20_000 || amt > 25_000_000 || math.Mod(amt, 100) != 0 {
			t.Errorf("%s budget %v", a.IATIIdentifier, *a.Budget)
		}
	}
	if p := percent(with, len(ds.Activities)); p < 80 || p > 90 {
		t.Errorf("%.1f%% have a budget, want ~85%%", p)
	}
	for _, c := range []string{"USD", "EUR", "GBP", "KES", "INR", "BRL", "ZAR", "PHP", "XOF", "CHF", "SEK", "JPY"} {
		if currencies[c] == 0 {
			t.Errorf("no budget in %s", c)
		}
		if c != "USD" && currencies[c] >= currencies["USD"] {
			t.Errorf("%d budgets in %s, not fewer than in USD (%d)", currencies[c], c, currencies["USD"])
		}
	}
}

func TestPlaceLabel(t *testing.T) {
	city := func(name, cc string) placed {
		return placed{geo.Location{Kind: geo.KindPlace, CountryCode: cc}, name}
	}
	tests := []struct {
		name string
		locs []placed
		want string
	}{
		{"one city", []placed{city("Dhaka", "BD")}, "Dhaka"},
		{"two", []placed{city("Nairobi", "KE"), city("Mombasa", "KE")}, "Nairobi and Mombasa"},
		{"three", []placed{city("A", "KE"), city("B", "UG"), city("C", "TZ")}, "A, B and C"},
		{"country and cities", []placed{countryLoc("PH"), city("Cebu", "PH")}, "the Philippines"},
		{"four in one country", []placed{city("A", "KE"), city("B", "KE"), city("C", "KE"), city("D", "KE")},
			"four locations in Kenya"},
		{"several countries", []placed{countryLoc("KE"), city("B", "UG"), city("C", "UG")},
			"three locations in two countries"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := placeLabel(tc.locs); got != tc.want {
				t.Errorf("placeLabel = %q, want %q", got, tc.want)
			}
		})
	}
}
