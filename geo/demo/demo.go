// Package demo generates the invented demo alliance: organisations,
// programmes and activities with invented names, located in real cities and
// countries and clearly labelled as demo data (Demo is true everywhere,
// names end in "(demo)" and every description says the activity is invented).
//
// Generation is pure and deterministic: the same cities and country codes
// always give exactly the same Dataset. It does no I/O and reads no clock.
package demo

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/commonground/commonground/geo"
)

// Sentinel is appended to the title of every demo activity that is not
// public, so leak tests can grep responses for it.
const Sentinel = "[NOT-PUBLIC]"

// MinCityPopulation is the smallest population of a place Generate uses;
// callers pass places with at least this population and smaller ones are
// ignored.
const MinCityPopulation = 300000

// MinCities and MinCountries are the least number of usable cities (places
// of at least MinCityPopulation people whose country code is known) and of
// distinct countries among them that Generate needs.
const (
	MinCities    = 160
	MinCountries = 55
)

// NumActivities is the number of activities Generate produces.
const NumActivities = 700

// maxSelectedCities bounds how many cities activities are spread over; more
// countries than this raise the bound so every country keeps its top city.
const maxSelectedCities = 240

// Seeds of the generator's random streams, one stream per concern, so a
// change to one concern does not reshuffle the others.
const (
	seed             = 0xC0FFEE2025
	streamOrgs       = 1
	streamProgrammes = 2
	streamActivities = 3
)

// Overlap is a pair of demo activities in the same place. In
// Dataset.Overlaps it is a deliberate collaboration overlap: different lead
// organisations, the same city (city-level location or exact points within
// 2 km of it), a shared Theme, overlapping periods and both public. In
// Dataset.NearMisses it is a pair that looks alike but is not an overlap, for
// the Reason given.
type Overlap struct {
	A, B        string // IATI identifiers of the two activities
	PlaceID     int64  // GeoNames id of the city
	CityName    string
	CountryCode string
	Theme       string // the shared theme code; for a near miss, A's first theme
	Reason      string // why a near miss is not an overlap; empty in Overlaps
}

// Dataset is the whole demo alliance.
type Dataset struct {
	Organisations []geo.Organisation
	Programmes    []geo.Programme
	Activities    []geo.Activity // sorted by IATIIdentifier
	Overlaps      []Overlap
	// NearMisses are pairs that must not be reported as overlaps: the same
	// city but disjoint periods, the same single organisation, or no shared
	// theme (see Overlap.Reason).
	NearMisses []Overlap
}

// InputError reports that the cities passed to Generate are too few or span
// too few countries to build the demo alliance.
type InputError struct {
	Cities, Countries int // usable cities and their distinct countries
}

func (e *InputError) Error() string {
	return fmt.Sprintf("demo: %d usable cities in %d countries, need at least %d in %d",
		e.Cities, e.Countries, MinCities, MinCountries)
}

// Generate builds the demo alliance from real cities (GeoNames places) and
// the set of country codes present in the reference data. Places below
// MinCityPopulation, with a country code not in countryCodes, with an
// out-of-range point or a duplicate id are ignored. It returns an
// *InputError when the usable cities number fewer than MinCities or span
// fewer than MinCountries countries.
func Generate(cities []geo.Place, countryCodes map[string]bool) (Dataset, error) {
	selected := selectCities(usableCities(cities, countryCodes))
	nCountries := len(countriesOf(selected))
	if len(selected) < MinCities || nCountries < MinCountries {
		return Dataset{}, &InputError{Cities: len(selected), Countries: nCountries}
	}
	orgs := buildOrganisations(newRand(streamOrgs), selected)
	progs, meta := buildProgrammes(newRand(streamProgrammes), orgs, selected)
	g := newGenerator(newRand(streamActivities), selected, orgs, progs, meta)
	ds := g.run()
	if g.usedCities() < MinCities {
		return Dataset{}, &InputError{Cities: g.usedCities(), Countries: nCountries}
	}
	return ds, nil
}

func newRand(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream))
}

// usableCities filters and sorts the input by population (descending), id
// and name, then drops later duplicates of an id, so the result does not
// depend on the input order.
func usableCities(cities []geo.Place, countryCodes map[string]bool) []geo.Place {
	var out []geo.Place
	for _, c := range cities {
		lon, lat := c.Point.Lon(), c.Point.Lat()
		if c.Population >= MinCityPopulation && countryCodes[c.CountryCode] && c.Name != "" &&
			lon >= -180 && lon <= 180 && lat >= -85 && lat <= 85 {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b geo.Place) int {
		return cmp.Or(cmp.Compare(b.Population, a.Population), cmp.Compare(a.ID, b.ID), cmp.Compare(a.Name, b.Name))
	})
	seen := make(map[int64]bool, len(out))
	return slices.DeleteFunc(out, func(c geo.Place) bool {
		dup := seen[c.ID]
		seen[c.ID] = true
		return dup
	})
}

// selectCities takes cities round by round: first the largest city of every
// country, then the second largest, and so on, so secondary cities are
// included and every country in the input is represented. Countries are
// visited in order of their largest city.
func selectCities(sorted []geo.Place) []geo.Place {
	byCountry := map[string][]geo.Place{}
	var order []string
	for _, c := range sorted {
		if byCountry[c.CountryCode] == nil {
			order = append(order, c.CountryCode)
		}
		byCountry[c.CountryCode] = append(byCountry[c.CountryCode], c)
	}
	limit := min(max(maxSelectedCities, len(order)), len(sorted))
	out := make([]geo.Place, 0, limit)
	for round := 0; len(out) < limit; round++ {
		for _, cc := range order {
			if round < len(byCountry[cc]) && len(out) < limit {
				out = append(out, byCountry[cc][round])
			}
		}
	}
	return out
}

// countriesOf maps each country code to the indices of its cities.
func countriesOf(cities []geo.Place) map[string][]int {
	m := map[string][]int{}
	for i, c := range cities {
		m[c.CountryCode] = append(m[c.CountryCode], i)
	}
	return m
}

// referenceDate is "today" for the demo data: statuses and periods are
// consistent with it.
// ReferenceDate is the day the demo data's statuses describe: activities
// in implementation run on it.
func ReferenceDate() time.Time { return referenceDate() }

func referenceDate() time.Time {
	return time.Date(2025, time.July, 1, 0, 0, 0, 0, time.UTC)
}

// randomDate returns a date (UTC midnight) between lo and hi inclusive.
func randomDate(r *rand.Rand, lo, hi time.Time) time.Time {
	days := int(hi.Sub(lo).Hours() / 24)
	if days <= 0 {
		return lo
	}
	return lo.AddDate(0, 0, r.IntN(days+1))
}

// pickWeighted returns an index into weights, chosen with probability
// proportional to its weight.
func pickWeighted(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}
