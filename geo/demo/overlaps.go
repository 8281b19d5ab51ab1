package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/commonground/commonground/geo"
)

// Numbers of deliberate overlap pairs and of near misses of each kind.
const (
	numOverlapPairs = 48
	numDisjoint     = 3 // same city and theme, different leads, disjoint periods
	numSameOrg      = 3 // same city, theme and period, one organisation only
	numNoTheme      = 2 // same city and period, different leads, no shared theme
)

// Reasons a near miss is not an overlap.
const (
	reasonDisjoint = "disjoint periods: A ends before B starts"
	reasonSameOrg  = "same organisation: both led by one member with no other organisation"
	reasonNoTheme  = "no shared theme"
)

// pairRef is an overlap or near miss by activity index, before identifiers
// are assigned.
type pairRef struct {
	a, b, city int
	theme      string
	reason     string
}

// addOverlaps adds numOverlapPairs pairs of public, ongoing activities of
// different leads sharing a theme, each pair in its own city, at city level
// or at exact points within overlapRadiusKm.
func (g *generator) addOverlaps() {
	cities := g.r.Perm(len(g.cities))
	for k := range numOverlapPairs {
		ci := cities[k]
		theme := themeCodes[g.r.IntN(len(themeCodes))]
		la, lb := g.twoLeads()
		a := g.pairActivity(ci, la, theme, nil, k%4 >= 2, false)
		b := g.pairActivity(ci, lb, theme, nil, k%2 == 1, false)
		g.twin(a, b)
		g.overlaps = append(g.overlaps, pairRef{a: a, b: b, city: ci, theme: theme})
	}
	g.nearCities = cities[numOverlapPairs:]
}

// addNearMisses adds pairs in one city each that look like overlaps but are
// not, for the reasons above.
func (g *generator) addNearMisses() {
	cities := g.nearCities
	next := func() int { ci := cities[0]; cities = cities[1:]; return ci }
	for i := range numDisjoint {
		ci, theme := next(), themeCodes[g.r.IntN(len(themeCodes))]
		la, lb := g.twoLeads()
		a := g.pairActivity(ci, la, theme, nil, i%2 == 1, false)
		b := g.pairActivity(ci, lb, theme, nil, false, false)
		g.setPeriod(a, randomDate(g.r, day(2016, 1, 1), day(2018, 12, 31)), 12+g.r.IntN(13))
		g.setPeriod(b, randomDate(g.r, day(2022, 1, 1), day(2024, 6, 30)), 24+g.r.IntN(37))
		g.near = append(g.near, pairRef{a: a, b: b, city: ci, theme: theme, reason: reasonDisjoint})
	}
	for i := range numSameOrg {
		ci, theme := next(), themeCodes[g.r.IntN(len(themeCodes))]
		lead := pickWeighted(g.r, g.weights)
		a := g.pairActivity(ci, lead, theme, nil, false, true)
		b := g.pairActivity(ci, lead, theme, nil, i != 1, true)
		g.near = append(g.near, pairRef{a: a, b: b, city: ci, theme: theme, reason: reasonSameOrg})
	}
	for range numNoTheme {
		ci := next()
		la, lb := g.twoLeads()
		a := g.pairActivity(ci, la, "", nil, false, false)
		b := g.pairActivity(ci, lb, "", g.acts[a].Themes, true, false)
		g.near = append(g.near, pairRef{a: a, b: b, city: ci, theme: g.acts[a].Themes[0], reason: reasonNoTheme})
	}
}

// pairActivity appends a public ongoing activity of lead in city ci, at city
// level or (point) at an exact point within overlapRadiusKm, with theme must
// when set and no theme of exclude, and returns its index. A solo activity
// names no organisation but its lead.
func (g *generator) pairActivity(ci, lead int, must string, exclude []string, point, solo bool) int {
	prog := g.pickProgramme(lead, g.cities[ci].CountryCode)
	loc, class := g.cityLoc(ci), classCity
	if point {
		loc, class = g.pointLoc(ci, overlapRadiusKm), classPoint
	}
	g.used[ci]++
	g.classes[class]++
	a := g.assemble(lead, prog, g.themes(prog, must, exclude), []placed{loc}, geo.Public, solo)
	a.Status = geo.StatusImplementation
	a.Start, a.End = g.period(a.Status)
	g.acts = append(g.acts, a)
	return len(g.acts) - 1
}

// setPeriod gives activity i a period of the given months from start and the
// status that period has at referenceDate.
func (g *generator) setPeriod(i int, start time.Time, months int) {
	a := &g.acts[i]
	a.Start, a.End = start, start.AddDate(0, months, 0)
	ref := referenceDate()
	switch {
	case a.End.After(ref):
		a.Status = geo.StatusImplementation
	case a.End.After(ref.AddDate(0, -9, 0)):
		a.Status = geo.StatusFinalisation
	default:
		a.Status = geo.StatusClosed
	}
}

// twin makes a planted pair unmistakable, so it ranks above pairs that
// overlap by chance: the same two or three themes, and b's period inside
// a's, both running from before the reference date into 2027. It draws
// from its own generator seeded by the pair, so the rest of the data stays
// as it was.
func (g *generator) twin(a, b int) {
	r := rand.New(rand.NewPCG(uint64(a), uint64(b)))
	A, B := &g.acts[a], &g.acts[b]
	for len(A.Themes) < 2 {
		if t := themeCodes[r.IntN(len(themeCodes))]; !slices.Contains(A.Themes, t) {
			A.Themes = append(A.Themes, t)
		}
	}
	B.Themes = slices.Clone(A.Themes)
	ref := referenceDate()
	A.Start = randomDate(r, ref.AddDate(-2, 0, 0), ref.AddDate(-1, 0, 0))
	A.End = randomDate(r, ref.AddDate(2, 0, 0), ref.AddDate(3, 6, 0))
	B.Start = randomDate(r, A.Start.AddDate(0, 1, 0), ref.AddDate(0, -1, 0))
	B.End = randomDate(r, ref.AddDate(1, 6, 0), A.End.AddDate(0, -1, 0))
	A.Status, B.Status = geo.StatusImplementation, geo.StatusImplementation
}

// twoLeads picks two different lead organisations.
func (g *generator) twoLeads() (int, int) {
	a := pickWeighted(g.r, g.weights)
	for {
		if b := pickWeighted(g.r, g.weights); b != a {
			return a, b
		}
	}
}

// dataset assigns identifiers and assembles the Dataset.
func (g *generator) dataset() Dataset {
	g.assignIdentifiers()
	acts := slices.Clone(g.acts)
	slices.SortFunc(acts, func(a, b geo.Activity) int { return strings.Compare(a.IATIIdentifier, b.IATIIdentifier) })
	return Dataset{
		Organisations: g.orgs,
		Programmes:    g.progs,
		Activities:    acts,
		Overlaps:      g.resolve(g.overlaps),
		NearMisses:    g.resolve(g.near),
	}
}

// assignIdentifiers numbers each lead organisation's activities from A0001
// in order of start date.
func (g *generator) assignIdentifiers() {
	byLead := map[string][]int{}
	for i, a := range g.acts {
		byLead[a.Organisations[0].Slug] = append(byLead[a.Organisations[0].Slug], i)
	}
	for _, o := range g.orgs {
		idx := byLead[o.Slug]
		slices.SortStableFunc(idx, func(i, j int) int { return g.acts[i].Start.Compare(g.acts[j].Start) })
		for n, i := range idx {
			g.acts[i].IATIIdentifier = fmt.Sprintf("%s-A%04d", activityPrefix(o), n+1)
		}
	}
}

// resolve turns pairs of indices into Overlaps.
func (g *generator) resolve(refs []pairRef) []Overlap {
	out := make([]Overlap, len(refs))
	for i, p := range refs {
		c := g.cities[p.city]
		out[i] = Overlap{
			A: g.acts[p.a].IATIIdentifier, B: g.acts[p.b].IATIIdentifier,
			PlaceID: c.ID, CityName: c.Name, CountryCode: c.CountryCode,
			Theme: p.theme, Reason: p.reason,
		}
	}
	return out
}

// usedCities counts the cities that some activity is located in.
func (g *generator) usedCities() int {
	n := 0
	for _, u := range g.used {
		if u > 0 {
			n++
		}
	}
	return n
}
