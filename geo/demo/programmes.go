package demo

import (
	"math/rand/v2"
	"slices"

	"github.com/commonground/commonground/geo"
)

// programmeSpec is one invented programme. A country programme's name is
// completed with the name of the country it is assigned.
type programmeSpec struct {
	name  string
	typ   geo.ProgrammeType
	tier  int
	lead  geo.Constituency // constituency of its lead organisation
	theme string           // primary theme of its activities
}

// programmeSpecs are the invented programmes of the demo alliance.
var programmeSpecs = []programmeSpec{
	{"Resilient Cities Joint Work Programme", geo.JointWorkProgramme, 1, geo.Multilateral, "resilience"},
	{"Inclusive Urban Finance Joint Work Programme", geo.JointWorkProgramme, 1, geo.LocalGovernmentAssoc, "municipal_finance"},
	{"Migration and Cities Joint Work Programme", geo.JointWorkProgramme, 2, geo.Multilateral, "migration_displacement"},
	{"Gender-Equal Cities Joint Work Programme", geo.JointWorkProgramme, 2, geo.CivilSociety, "gender"},
	{"Country Programme", geo.CountryProgramme, 1, geo.NationalGovernment, "informal_settlements"},
	{"Country Programme", geo.CountryProgramme, 1, geo.NationalGovernment, "land_housing"},
	{"Country Programme", geo.CountryProgramme, 2, geo.LocalGovernmentAssoc, "basic_services"},
	{"Neighbourhood Upgrading Catalytic Fund", geo.CatalyticFund, 2, geo.Foundation, "informal_settlements"},
	{"Climate Adaptation Catalytic Fund Window", geo.CatalyticFund, 2, geo.Foundation, "climate_adaptation"},
	{"Voices from the Settlements Advocacy Campaign", geo.CommsAdvocacy, 3, geo.SlumDwellerFederation, "local_governance"},
	{"Urban Knowledge and Communications Platform", geo.CommsAdvocacy, 3, geo.Research, "data_monitoring"},
	{"Street Data Innovation Lab", geo.InnovationLab, 3, geo.Research, "data_monitoring"},
	{"Public Space Innovation Lab", geo.InnovationLab, 2, geo.PrivateSector, "public_space"},
	{"Youth Jobs Member Initiative", geo.MemberInitiative, 2, geo.CivilSociety, "youth_jobs"},
	{"Urban Crisis Response Member Initiative", geo.MemberInitiative, 3, geo.Multilateral, "urban_crisis_response"},
	{"Land and Planning Member Initiative", geo.MemberInitiative, 3, geo.Research, "urban_planning"},
}

// programmeCountryPreference orders the countries a country programme is
// assigned to; the first ones present with at least two selected cities win.
var programmeCountryPreference = []string{
	"KE", "BD", "PH", "GH", "UG", "CO", "NG", "ET", "TZ", "VN", "MZ", "SN", "IN", "BR", "ID", "PK",
}

// programmeMeta is what the activity generator needs to know about a
// programme beyond geo.Programme.
type programmeMeta struct {
	country string   // the country of a country programme, else ""
	theme   string   // primary theme
	members []string // lead and participant slugs
}

// buildProgrammes builds the programmes with their leads and participants
// (every organisation belongs to at least one programme) and assigns each
// country programme a country.
func buildProgrammes(r *rand.Rand, orgs []geo.Organisation, cities []geo.Place) ([]geo.Programme, []programmeMeta) {
	countries := programmeCountries(cities)
	cycle := r.Perm(len(orgs))
	next := 0
	progs := make([]geo.Programme, len(programmeSpecs))
	meta := make([]programmeMeta, len(programmeSpecs))
	for i, s := range programmeSpecs {
		name := s.name
		if s.typ == geo.CountryProgramme {
			meta[i].country = countries[0]
			countries = countries[1:]
			name = countryLabel(meta[i].country) + " " + name
		}
		lead := pickLeadOrg(r, orgs, s.lead)
		var participants []string
		for k := 3 + r.IntN(6); len(participants) < k; next++ {
			o := orgs[cycle[next%len(cycle)]]
			if o.Slug != lead && !slices.Contains(participants, o.Slug) {
				participants = append(participants, o.Slug)
			}
		}
		progs[i] = geo.Programme{
			Slug:             slugify(name),
			Name:             name + demoSuffix,
			Type:             s.typ,
			Tier:             s.tier,
			Description:      "Invented programme for demonstration; not a real programme.",
			LeadSlug:         lead,
			ParticipantSlugs: participants,
			Demo:             true,
		}
		meta[i].theme = s.theme
		meta[i].members = append([]string{lead}, participants...)
	}
	return progs, meta
}

// pickLeadOrg picks an organisation of constituency c.
func pickLeadOrg(r *rand.Rand, orgs []geo.Organisation, c geo.Constituency) string {
	var slugs []string
	for _, o := range orgs {
		if o.Constituency == c {
			slugs = append(slugs, o.Slug)
		}
	}
	return slugs[r.IntN(len(slugs))]
}

// programmeCountries lists candidate countries for country programmes:
// preferred countries with at least two selected cities, then the countries
// with the most selected cities.
func programmeCountries(cities []geo.Place) []string {
	byCountry := countriesOf(cities)
	var out []string
	for _, cc := range programmeCountryPreference {
		if len(byCountry[cc]) >= 2 {
			out = append(out, cc)
		}
	}
	var rest []string
	for cc := range byCountry {
		if !slices.Contains(out, cc) {
			rest = append(rest, cc)
		}
	}
	slices.SortFunc(rest, func(a, b string) int {
		if d := len(byCountry[b]) - len(byCountry[a]); d != 0 {
			return d
		}
		if a < b {
			return -1
		}
		return 1
	})
	return append(out, rest...)
}
