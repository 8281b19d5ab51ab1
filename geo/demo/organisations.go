package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/commonground/commonground/geo"
)

// orgSpec is one invented member organisation. Every name is made up; the
// national governments belong to invented countries.
type orgSpec struct {
	name, short  string
	constituency geo.Constituency
	aliases      []string
	noIATI       bool // publishes no IATI organisation identifier
	weight       int  // relative number of activities it leads
}

// orgSpecs are the invented members of the demo alliance.
var orgSpecs = []orgSpec{
	{"Meridian Multilateral Fund for Urban Resilience", "Meridian Fund", geo.Multilateral, []string{"MMFUR"}, false, 4},
	{"Interregional Settlements Facility", "ISF", geo.Multilateral, []string{"Settlements Facility"}, false, 4},
	{"Concord Development Bank for Cities", "CDBC", geo.Multilateral, []string{"Concord Bank"}, false, 3},
	{"Tidewater Intergovernmental Climate Cities Office", "TICCO", geo.Multilateral, nil, false, 3},
	{"Atlas Compact Secretariat for Urban Futures", "Atlas Compact", geo.Multilateral, []string{"ACSUF"}, false, 2},
	{"Valdorian Agency for International Development Cooperation", "VAIDC", geo.NationalGovernment, []string{"Valdoria Aid"}, false, 3},
	{"Estavia Ministry of Foreign Affairs, Cities Desk", "Estavia MFA", geo.NationalGovernment, nil, false, 2},
	{"Kalmoria Development Finance Office", "KDFO", geo.NationalGovernment, []string{"Kalmoria DFO"}, false, 2},
	{"Brenland Ministry of Housing and Urban Affairs", "BMHUA", geo.NationalGovernment, nil, false, 2},
	{"Osterra Department for Global Cities", "ODGC", geo.NationalGovernment, []string{"Osterra DGC"}, false, 2},
	{"Coastal Cities Resilience Network", "CCRN", geo.LocalGovernmentAssoc, []string{"Coastal Cities Network"}, false, 3},
	{"Federation of Lakeside Municipalities", "FLM", geo.LocalGovernmentAssoc, []string{"Lakeside Federation"}, false, 2},
	{"Riverline Mayors' Assembly", "RMA", geo.LocalGovernmentAssoc, []string{"Riverline Mayors"}, false, 2},
	{"Union of Highland Local Authorities", "UHLA", geo.LocalGovernmentAssoc, nil, false, 1},
	{"Red de Municipios Horizonte", "RMH", geo.LocalGovernmentAssoc, []string{"Horizonte Municipal Network"}, false, 2},
	{"Federation of Riverbank Settlers", "FRS", geo.SlumDwellerFederation, []string{"Riverbank Settlers"}, true, 2},
	{"United Hillside Neighbourhoods Federation", "UHNF", geo.SlumDwellerFederation, []string{"Hillside Federation"}, false, 2},
	{"Informal Dwellers' Savings Alliance", "IDSA", geo.SlumDwellerFederation, []string{"Savings Alliance"}, true, 2},
	{"Federação Comunitária Morro Azul", "FCMA", geo.SlumDwellerFederation, []string{"Morro Azul Federation"}, false, 1},
	{"Collectif des Quartiers Solidaires Kanvo", "CQSK", geo.SlumDwellerFederation, []string{"Collectif Kanvo"}, true, 1},
	{"Fundación Horizonte Urbano", "FHU", geo.CivilSociety, []string{"Horizonte Urbano"}, false, 3},
	{"Lanternway Streets Collective", "Lanternway", geo.CivilSociety, []string{"LSC"}, false, 2},
	{"Blue Tap Neighbours Initiative", "BTNI", geo.CivilSociety, []string{"Blue Tap"}, false, 2},
	{"Harbourlight Displacement Action", "HDA", geo.CivilSociety, []string{"Harbourlight"}, false, 2},
	{"Threadline Women's Housing Coalition", "TWHC", geo.CivilSociety, []string{"Threadline Coalition"}, false, 2},
	{"Sparkyard Youth Jobs Network", "Sparkyard", geo.CivilSociety, []string{"SYJN"}, false, 2},
	{"Larkspur Foundation for Inclusive Cities", "Larkspur", geo.Foundation, []string{"LFIC"}, false, 3},
	{"Amberline Trust", "Amberline", geo.Foundation, nil, false, 2},
	{"Stiftung Lindenhof Urbane Zukunft", "SLUZ", geo.Foundation, []string{"Lindenhof Foundation"}, false, 2},
	{"Kestrelmoor Family Foundation", "Kestrelmoor", geo.Foundation, nil, false, 1},
	{"Orchard Philanthropies for Resilience", "OPR", geo.Foundation, []string{"Orchard Philanthropies"}, false, 1},
	{"Cobaltmap Urban Analytics", "Cobaltmap", geo.PrivateSector, []string{"CUA"}, false, 1},
	{"Brightkiln Infrastructure Partners", "Brightkiln", geo.PrivateSector, []string{"BIP"}, false, 1},
	{"Sunward Payments Cooperative", "Sunward", geo.PrivateSector, nil, true, 1},
	{"Quarrylight Engineering Consultants", "QEC", geo.PrivateSector, []string{"Quarrylight"}, false, 1},
	{"Institute for Inland City Studies", "IICS", geo.Research, []string{"Inland Cities Institute"}, false, 2},
	{"Dunmore Centre for Urban Risk Evidence", "DCURE", geo.Research, []string{"Dunmore Centre"}, false, 2},
	{"Observatorio de Asentamientos del Sur", "Observatorio Sur", geo.Research, []string{"OAS-Sur"}, false, 2},
	{"Urban Data Commons Lab", "UDCL", geo.Research, []string{"Data Commons Lab"}, true, 1},
	{"Harmattan Research Institute for Cities", "HRIC", geo.Research, []string{"Harmattan Institute"}, false, 1},
}

// demoSuffix labels every invented organisation and programme name.
const demoSuffix = " (demo)"

// buildOrganisations turns orgSpecs into organisations with headquarters in
// the selected cities.
func buildOrganisations(r *rand.Rand, cities []geo.Place) []geo.Organisation {
	hqPool := min(len(cities), 80) // larger cities, of many countries
	orgs := make([]geo.Organisation, len(orgSpecs))
	for i, s := range orgSpecs {
		slug := slugify(s.name)
		hq := cities[r.IntN(hqPool)].Point
		o := geo.Organisation{
			Slug:         slug,
			Name:         s.name + demoSuffix,
			ShortName:    s.short,
			Aliases:      s.aliases,
			Constituency: s.constituency,
			Website:      "https://" + slug + ".example.org",
			HQ:           &hq,
			MemberSince:  randomDate(r, day(2012, 1, 1), day(2024, 12, 31)),
			LastReported: lastReported(r),
			Demo:         true,
		}
		if !s.noIATI {
			o.IATIOrgID = fmt.Sprintf("ZZ-DEMO-%03d", i+1)
		}
		orgs[i] = o
	}
	return orgs
}

// lastReported is within 2025 to early 2026 for most members and a stale
// date in 2022-2024 for about one in seven.
func lastReported(r *rand.Rand) time.Time {
	if r.IntN(7) == 0 {
		return randomDate(r, day(2022, 1, 1), day(2024, 12, 31))
	}
	return randomDate(r, day(2025, 1, 1), day(2026, 3, 31))
}

// activityPrefix is the prefix of the IATI identifiers of activities led by
// o: its IATI organisation identifier, or ZZ-DEMO-<SLUG> when it has none.
func activityPrefix(o geo.Organisation) string {
	if o.IATIOrgID != "" {
		return o.IATIOrgID
	}
	return "ZZ-DEMO-" + strings.ToUpper(o.Slug)
}

// foldAccents maps the accented letters used in invented names to ASCII.
var foldAccents = strings.NewReplacer(
	"á", "a", "à", "a", "â", "a", "ã", "a", "ä", "a", "ç", "c",
	"é", "e", "è", "e", "ê", "e", "í", "i", "ó", "o", "ô", "o",
	"õ", "o", "ö", "o", "ú", "u", "ü", "u", "ñ", "n",
)

// slugify lowercases s, folds accents and joins runs of [a-z0-9] with "-".
func slugify(s string) string {
	s = foldAccents.Replace(strings.ToLower(s))
	var b strings.Builder
	dash := false
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(c)
			dash = false
		case c == '\'':
			// "Mayors' Assembly" -> "mayors-assembly"
		default:
			dash = true
		}
	}
	return b.String()
}

// day is the UTC midnight of a date.
func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
