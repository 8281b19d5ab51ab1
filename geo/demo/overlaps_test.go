package demo

import (
	"slices"
	"testing"

	"github.com/commonground/commonground/geo"
	"github.com/paulmach/orb"
)

// atCity reports whether a has a city-level location at c or an exact point
// within 2 km of it.
func atCity(a geo.Activity, c geo.Place) bool {
	for _, l := range a.Locations {
		if l.Kind == geo.KindPlace && l.PlaceID == c.ID {
			return true
		}
		if p, ok := l.Geometry.(orb.Point); ok && l.Kind == geo.KindPoint && distanceKm(p, c.Point) <= 2 {
			return true
		}
	}
	return false
}

// sharedThemes lists the themes of a that b has too.
func sharedThemes(a, b geo.Activity) []string {
	var out []string
	for _, th := range a.Themes {
		if slices.Contains(b.Themes, th) {
			out = append(out, th)
		}
	}
	return out
}

// periodsOverlap reports whether the periods meet; a zero End is open.
func periodsOverlap(a, b geo.Activity) bool {
	return (b.End.IsZero() || !a.Start.After(b.End)) && (a.End.IsZero() || !b.Start.After(a.End))
}

// isOverlap is the definition of a deliberate overlap at city c.
func isOverlap(a, b geo.Activity, c geo.Place) bool {
	return a.Organisations[0].Slug != b.Organisations[0].Slug &&
		atCity(a, c) && atCity(b, c) && len(sharedThemes(a, b)) > 0 && periodsOverlap(a, b) &&
		a.Visibility == geo.Public && b.Visibility == geo.Public
}

// pairOf returns the activities of o and its city.
func pairOf(t *testing.T, ds Dataset, o Overlap) (a, b geo.Activity, c geo.Place) {
	t.Helper()
	byID := map[string]geo.Activity{}
	for _, act := range ds.Activities {
		byID[act.IATIIdentifier] = act
	}
	a, okA := byID[o.A]
	b, okB := byID[o.B]
	c, okC := cityIndex()[o.PlaceID]
	if !okA || !okB || !okC || o.A == o.B || c.Name != o.CityName || c.CountryCode != o.CountryCode {
		t.Fatalf("pair %+v does not name two activities and a city", o)
	}
	return a, b, c
}

func TestOverlapsSatisfyTheDefinition(t *testing.T) {
	ds := generateTest(t)
	if len(ds.Overlaps) < 40 {
		t.Fatalf("%d overlaps, want at least 40", len(ds.Overlaps))
	}
	points, cities := 0, map[int64]bool{}
	for _, o := range ds.Overlaps {
		a, b, c := pairOf(t, ds, o)
		if !isOverlap(a, b, c) || !slices.Contains(sharedThemes(a, b), o.Theme) || o.Reason != "" {
			t.Errorf("overlap %+v does not satisfy the definition", o)
		}
		if a.Locations[0].Kind == geo.KindPoint || b.Locations[0].Kind == geo.KindPoint {
			points++
		}
		cities[o.PlaceID] = true
	}
	if points == 0 || points == len(ds.Overlaps) {
		t.Errorf("%d of %d overlaps use exact points, want a mix with city-level ones", points, len(ds.Overlaps))
	}
	if len(cities) < 40 {
		t.Errorf("overlaps in %d cities, want at least 40", len(cities))
	}
}

func TestNearMissesAreNotOverlaps(t *testing.T) {
	ds := generateTest(t)
	if len(ds.NearMisses) < 5 {
		t.Fatalf("%d near misses, want at least 5", len(ds.NearMisses))
	}
	reasons := map[string]int{}
	for _, o := range ds.NearMisses {
		a, b, c := pairOf(t, ds, o)
		reasons[o.Reason]++
		if isOverlap(a, b, c) {
			t.Errorf("near miss %+v is an overlap", o)
		}
		if !atCity(a, c) || !atCity(b, c) || a.Visibility != geo.Public || b.Visibility != geo.Public {
			t.Errorf("near miss %+v is not public in one city", o)
		}
		switch o.Reason {
		case reasonDisjoint:
			if periodsOverlap(a, b) || a.End.IsZero() || !a.End.Before(b.Start) || len(sharedThemes(a, b)) == 0 {
				t.Errorf("near miss %+v: periods %v-%v and %v-%v", o, a.Start, a.End, b.Start, b.End)
			}
		case reasonSameOrg:
			if len(a.Organisations) != 1 || !slices.Equal(a.Organisations, b.Organisations) || !periodsOverlap(a, b) {
				t.Errorf("near miss %+v: organisations %v and %v", o, a.Organisations, b.Organisations)
			}
		case reasonNoTheme:
			if len(sharedThemes(a, b)) != 0 || !periodsOverlap(a, b) {
				t.Errorf("near miss %+v: themes %v and %v", o, a.Themes, b.Themes)
			}
		default:
			t.Errorf("near miss %+v has no known reason", o)
		}
	}
	if len(reasons) != 3 {
		t.Errorf("near misses by reason %v, want all three reasons", reasons)
	}
}
