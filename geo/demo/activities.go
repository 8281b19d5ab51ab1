package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/commonground/commonground/geo"
)

// Shares, in percent, of activities that are visible to members only, that
// are drafts, that belong to no programme and that have no budget.
const (
	membersShare      = 10
	draftShare        = 5
	noProgrammeShare  = 12
	noBudgetShare     = 15
	descriptionPrefix = "Invented activity for demonstration; not a real project."
)

// statusWeights weighs geo.Statuses (pipeline, implementation, finalisation,
// closed, cancelled, suspended).
var statusWeights = []int{10, 58, 8, 16, 4, 4}

// generator builds the activities; it holds the selected cities, the
// organisations and programmes, and how often each city has been used.
type generator struct {
	r          *rand.Rand
	cities     []geo.Place
	all        []int            // indices of all cities
	byCountry  map[string][]int // indices of cities per country
	used       []int            // locations per city
	orgs       []geo.Organisation
	weights    []int // relative number of activities each org leads
	progs      []geo.Programme
	meta       []programmeMeta
	memberOf   map[string][]int // org slug -> programme indices
	acts       []geo.Activity
	classes    [numClasses]int // activities per location pattern so far
	overlaps   []pairRef
	near       []pairRef
	nearCities []int // cities reserved for near misses
}

func newGenerator(r *rand.Rand, cities []geo.Place, orgs []geo.Organisation,
	progs []geo.Programme, meta []programmeMeta) *generator {
	g := &generator{
		r: r, cities: cities, byCountry: countriesOf(cities), used: make([]int, len(cities)),
		orgs: orgs, progs: progs, meta: meta, memberOf: map[string][]int{},
	}
	for i := range cities {
		g.all = append(g.all, i)
	}
	for _, s := range orgSpecs {
		g.weights = append(g.weights, s.weight)
	}
	for p, m := range meta {
		for _, slug := range m.members {
			g.memberOf[slug] = append(g.memberOf[slug], p)
		}
	}
	return g
}

// run generates every activity: first the overlap pairs and near misses, then
// the rest with exact shares of location patterns and visibilities.
func (g *generator) run() Dataset {
	g.addOverlaps()
	g.addNearMisses()
	rest := NumActivities - len(g.acts)
	classes := g.classDeck(rest)
	vis := visibilityDeck(g.r, rest)
	for i := range rest {
		g.acts = append(g.acts, g.newActivity(classes[i], vis[i]))
	}
	return g.dataset()
}

// classDeck returns n location patterns in random order so that, together
// with the patterns already used, each has its share of NumActivities.
func (g *generator) classDeck(n int) []locClass {
	deck := make([]locClass, 0, n)
	for c := classPoint; c < numClasses; c++ {
		want := NumActivities*classShares[c]/100 - g.classes[c]
		for range max(want, 0) {
			deck = append(deck, c)
		}
	}
	for len(deck) < n {
		deck = append(deck, classCity)
	}
	g.r.Shuffle(len(deck), func(i, j int) { deck[i], deck[j] = deck[j], deck[i] })
	return deck[:n]
}

// visibilityDeck returns n visibilities in random order with exact shares
// of members-only and draft activities out of NumActivities.
func visibilityDeck(r *rand.Rand, n int) []geo.Visibility {
	deck := make([]geo.Visibility, n)
	for i := range deck {
		switch {
		case i < NumActivities*membersShare/100:
			deck[i] = geo.Members
		case i < NumActivities*(membersShare+draftShare)/100:
			deck[i] = geo.Draft
		default:
			deck[i] = geo.Public
		}
	}
	r.Shuffle(n, func(i, j int) { deck[i], deck[j] = deck[j], deck[i] })
	return deck
}

// newActivity generates an ordinary activity. A country programme's
// activities lie in its country.
func (g *generator) newActivity(class locClass, vis geo.Visibility) geo.Activity {
	lead := pickWeighted(g.r, g.weights)
	prog := g.pickProgramme(lead, "")
	cc := ""
	if prog >= 0 {
		cc = g.meta[prog].country
	}
	locs := g.locations(class, cc)
	status := geo.Statuses[pickWeighted(g.r, statusWeights)]
	start, end := g.period(status)
	a := g.assemble(lead, prog, g.themes(prog, "", nil), locs, vis, false)
	a.Status, a.Start, a.End = status, start, end
	return a
}

// assemble builds an activity from its parts, adding partner organisations
// (none when solo), a budget and the title.
func (g *generator) assemble(lead, prog int, themes []string, locs []placed, vis geo.Visibility, solo bool) geo.Activity {
	a := geo.Activity{
		Description: descriptionPrefix,
		Visibility:  vis,
		Themes:      themes,
		Demo:        true,
	}
	if prog >= 0 {
		a.ProgrammeSlug = g.progs[prog].Slug
		a.Description += " Part of the invented " + g.progs[prog].Name + "."
	}
	a.Organisations = []geo.ActivityOrganisation{{Slug: g.orgs[lead].Slug, Role: geo.RoleLead}}
	if !solo {
		a.Organisations = g.partners(a.Organisations, prog)
	}
	for _, p := range locs {
		a.Locations = append(a.Locations, p.loc)
	}
	a.Budget = g.budget(locs[0].loc.CountryCode)
	templates := titleTemplates[themes[0]]
	a.Title = fmt.Sprintf(templates[g.r.IntN(len(templates))], placeLabel(locs))
	if vis != geo.Public {
		a.Title += " " + Sentinel
	}
	return a
}

// pickProgramme picks one of lead's programmes, or -1 for none. With cc set,
// country programmes of other countries are excluded.
func (g *generator) pickProgramme(lead int, cc string) int {
	if g.r.IntN(100) < noProgrammeShare {
		return -1
	}
	var cands []int
	for _, p := range g.memberOf[g.orgs[lead].Slug] {
		if c := g.meta[p].country; cc == "" || c == "" || c == cc {
			cands = append(cands, p)
		}
	}
	if len(cands) == 0 {
		return -1
	}
	return cands[g.r.IntN(len(cands))]
}

// themes picks 1-3 distinct theme codes: must first when set, else often the
// programme's theme, never one in exclude.
func (g *generator) themes(prog int, must string, exclude []string) []string {
	n := 1 + pickWeighted(g.r, []int{40, 40, 20})
	var out []string
	switch {
	case must != "":
		out = append(out, must)
	case prog >= 0 && g.r.IntN(10) < 7 && !slices.Contains(exclude, g.meta[prog].theme):
		out = append(out, g.meta[prog].theme)
	}
	for len(out) < n {
		t := themeCodes[g.r.IntN(len(themeCodes))]
		if !slices.Contains(out, t) && !slices.Contains(exclude, t) {
			out = append(out, t)
		}
	}
	return out
}

// partners adds 0-3 other organisations, each once, often from the
// programme's members.
func (g *generator) partners(orgs []geo.ActivityOrganisation, prog int) []geo.ActivityOrganisation {
	n := 1 + pickWeighted(g.r, []int{35, 35, 20, 10})
	roles := []geo.Role{geo.RoleImplementing, geo.RoleFunding, geo.RolePartner}
	for len(orgs) < n {
		slug := g.orgs[g.r.IntN(len(g.orgs))].Slug
		if prog >= 0 && g.r.IntN(10) < 7 {
			m := g.meta[prog].members
			slug = m[g.r.IntN(len(m))]
		}
		if slices.ContainsFunc(orgs, func(o geo.ActivityOrganisation) bool { return o.Slug == slug }) {
			continue
		}
		orgs = append(orgs, geo.ActivityOrganisation{Slug: slug, Role: roles[pickWeighted(g.r, []int{45, 20, 35})]})
	}
	return orgs
}

// budget is nil for about one activity in seven; otherwise an amount in
// whole hundreds, often in the local currency of country cc.
func (g *generator) budget(cc string) *geo.Money {
	if g.r.IntN(100) < noBudgetShare {
		return nil
	}
	cur := fundingCurrencies[pickWeighted(g.r, fundingWeights)]
	if local, ok := localCurrencies[cc]; ok && g.r.IntN(2) == 0 {
		cur = local
	}
	lo, hi := currencyRanges[cur][0], currencyRanges[cur][1]
	if g.r.IntN(10) != 0 {
		hi = min(hi, lo*250)
	}
	amount := math.Round(lo*math.Pow(hi/lo, g.r.Float64())/100) * 100
	return &geo.Money{Amount: amount, Currency: cur}
}

// period returns a start and end consistent with status at referenceDate:
// 1-6 years long, starting 2016-2026; some implementation and pipeline
// activities have no end.
func (g *generator) period(status geo.Status) (start, end time.Time) {
	ref := referenceDate()
	months := 12 + g.r.IntN(61)
	switch status {
	case geo.StatusPipeline:
		start = randomDate(g.r, ref.AddDate(0, 1, 0), day(2026, 12, 31))
	case geo.StatusImplementation, geo.StatusSuspended:
		lo := ref.AddDate(0, 1-months, 0)
		start = randomDate(g.r, maxTime(lo, day(2016, 1, 1)), ref.AddDate(0, -1, 0))
	case geo.StatusFinalisation:
		e := randomDate(g.r, ref.AddDate(0, -9, 0), ref.AddDate(0, 0, -5))
		start = e.AddDate(0, -months, 0)
	case geo.StatusClosed:
		start = randomDate(g.r, day(2016, 1, 1), ref.AddDate(0, -10-months, 0))
	default:
		start = randomDate(g.r, day(2016, 1, 1), ref)
	}
	end = start.AddDate(0, months, 0)
	if status == geo.StatusImplementation && g.r.IntN(10) == 0 ||
		status == geo.StatusPipeline && g.r.IntN(10) < 3 {
		end = time.Time{}
	}
	return start, end
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// localCurrencies maps countries to the demo budget currency used there.
var localCurrencies = map[string]string{
	"KE": "KES", "IN": "INR", "BR": "BRL", "ZA": "ZAR", "PH": "PHP", "JP": "JPY",
	"CH": "CHF", "SE": "SEK", "GB": "GBP",
	"BJ": "XOF", "BF": "XOF", "CI": "XOF", "GW": "XOF", "ML": "XOF", "NE": "XOF", "SN": "XOF", "TG": "XOF",
	"AT": "EUR", "BE": "EUR", "DE": "EUR", "ES": "EUR", "FI": "EUR", "FR": "EUR", "GR": "EUR",
	"IE": "EUR", "IT": "EUR", "NL": "EUR", "PT": "EUR",
}

// Budget currencies funders report in, with their weights, and each
// currency's amount range (whole units; every range lies within 20k-25M).
var (
	fundingCurrencies = []string{"USD", "EUR", "GBP", "CHF", "SEK", "JPY"}
	fundingWeights    = []int{55, 22, 10, 4, 5, 4}
	currencyRanges    = map[string][2]float64{
		"USD": {20e3, 25e6}, "EUR": {20e3, 25e6}, "GBP": {20e3, 25e6}, "CHF": {20e3, 25e6},
		"SEK": {200e3, 25e6}, "ZAR": {200e3, 25e6}, "BRL": {100e3, 25e6},
		"KES": {2e6, 25e6}, "INR": {2e6, 25e6}, "PHP": {2e6, 25e6}, "XOF": {5e6, 25e6}, "JPY": {5e6, 25e6},
	}
)
