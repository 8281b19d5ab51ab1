package demo

import (
	"fmt"
	"slices"
	"strings"

	"github.com/commonground/commonground/geo"
)

// themeCodes is the alliance theme vocabulary the demo activities use; the
// codes exist in the database.
var themeCodes = []string{
	"resilience", "informal_settlements", "climate_adaptation", "local_governance",
	"municipal_finance", "migration_displacement", "urban_crisis_response", "basic_services",
	"land_housing", "urban_planning", "gender", "youth_jobs", "data_monitoring", "public_space",
}

// titleTemplates are project titles per theme; %s is the place ("Dhaka",
// "Nairobi and Mombasa", "five cities in Kenya").
var titleTemplates = map[string][]string{
	"resilience": {
		"Flood early warning for informal settlements in %s",
		"Urban resilience action planning in %s",
		"Community-led disaster risk mapping in %s",
	},
	"informal_settlements": {
		"Participatory slum upgrading in %s",
		"Settlement profiling and enumeration in %s",
		"Incremental upgrading of informal neighbourhoods in %s",
	},
	"climate_adaptation": {
		"Heat action plans for vulnerable neighbourhoods in %s",
		"Nature-based drainage and flood retention in %s",
		"Climate-adaptive housing pilots in %s",
	},
	"local_governance": {
		"Participatory budgeting with ward committees in %s",
		"Strengthening municipal service delivery in %s",
		"Citizen feedback platforms for local councils in %s",
	},
	"municipal_finance": {
		"Property tax and own-source revenue reform in %s",
		"Creditworthiness support for city governments in %s",
		"Municipal climate finance pipeline in %s",
	},
	"migration_displacement": {
		"Inclusion of displaced people in urban services in %s",
		"Host community and refugee livelihoods in %s",
		"Urban profiling of internally displaced people in %s",
	},
	"urban_crisis_response": {
		"Emergency shelter and settlement recovery in %s",
		"Post-disaster neighbourhood reconstruction in %s",
		"Urban cash assistance coordination in %s",
	},
	"basic_services": {
		"Community water kiosks and sanitation in %s",
		"Solid waste collection with informal recyclers in %s",
		"Last-mile electricity connections in %s",
	},
	"land_housing": {
		"Secure tenure for informal residents in %s",
		"Affordable housing finance for low-income families in %s",
		"Community land trust pilot in %s",
	},
	"urban_planning": {
		"Integrated urban development planning in %s",
		"Planned city extensions and street grids in %s",
		"Transit-oriented neighbourhood planning in %s",
	},
	"gender": {
		"Safe and inclusive streets for women and girls in %s",
		"Women-led savings groups and housing in %s",
		"Gender-responsive city budgeting in %s",
	},
	"youth_jobs": {
		"Green jobs and skills for urban youth in %s",
		"Youth enterprise hubs in %s",
		"Apprenticeships in construction trades in %s",
	},
	"data_monitoring": {
		"Citywide data for SDG 11 monitoring in %s",
		"Community-collected settlement data in %s",
		"Open geospatial data for urban planning in %s",
	},
	"public_space": {
		"Public space upgrading with residents in %s",
		"Safe routes to school and play streets in %s",
		"Green public spaces and urban parks in %s",
	},
}

// siteNames describe exact points; shapeNames describe drawn areas.
var (
	siteNames = []string{
		"Community water kiosk", "Health post", "Market upgrade", "Drainage works", "Youth centre",
		"Savings group office", "Settlement upgrading site", "Housing cooperative", "Ward office",
		"Public space pilot", "Waste transfer point", "Early warning station",
	}
	shapeNames = []string{
		"Upgrading area", "Informal settlement", "Flood-prone neighbourhood", "Market district",
		"Riverside settlement", "Hillside settlement",
	}
)

// numberWords spells the small counts used in titles.
var numberWords = []string{"zero", "one", "two", "three", "four", "five"}

// placeLabel names where an activity works for its title: one place
// ("Dhaka", "Kenya"), two or three cities ("Nairobi, Mombasa and Kisumu"), a
// country that has a country-level location, or a count ("four locations in
// Kenya", "five locations in three countries").
func placeLabel(locs []placed) string {
	if len(locs) == 1 {
		return locs[0].label
	}
	var names, countries []string
	hasCountry := false
	for _, p := range locs {
		names = append(names, p.label)
		if !slices.Contains(countries, p.loc.CountryCode) {
			countries = append(countries, p.loc.CountryCode)
		}
		hasCountry = hasCountry || p.loc.Kind == geo.KindCountry
	}
	switch {
	case !hasCountry && len(names) <= 3:
		return joinNames(names)
	case len(countries) == 1 && hasCountry:
		return countryName(countries[0])
	case len(countries) == 1:
		return fmt.Sprintf("%s locations in %s", numberWords[len(names)], countryName(countries[0]))
	default:
		return fmt.Sprintf("%s locations in %s countries", numberWords[len(names)], numberWords[len(countries)])
	}
}

// joinNames joins names as "a", "a and b" or "a, b and c".
func joinNames(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// countryNames names the countries the demo titles and country-level
// locations are most likely to mention; others fall back to their code.
var countryNames = map[string]string{
	"AE": "the United Arab Emirates", "AF": "Afghanistan", "AO": "Angola", "AR": "Argentina",
	"AT": "Austria", "AU": "Australia", "AZ": "Azerbaijan", "BD": "Bangladesh", "BE": "Belgium",
	"BF": "Burkina Faso", "BG": "Bulgaria", "BJ": "Benin", "BO": "Bolivia", "BR": "Brazil",
	"BY": "Belarus", "CA": "Canada", "CD": "the DR Congo", "CF": "the Central African Republic",
	"CG": "the Republic of the Congo", "CH": "Switzerland", "CI": "Côte d'Ivoire", "CL": "Chile",
	"CM": "Cameroon", "CN": "China", "CO": "Colombia", "CR": "Costa Rica", "CU": "Cuba",
	"CZ": "Czechia", "DE": "Germany", "DK": "Denmark", "DO": "the Dominican Republic",
	"DZ": "Algeria", "EC": "Ecuador", "EG": "Egypt", "ER": "Eritrea", "ES": "Spain",
	"ET": "Ethiopia", "FI": "Finland", "FJ": "Fiji", "FR": "France", "GA": "Gabon",
	"GB": "the United Kingdom", "GE": "Georgia", "GH": "Ghana", "GN": "Guinea", "GR": "Greece",
	"GT": "Guatemala", "HN": "Honduras", "HT": "Haiti", "HU": "Hungary", "ID": "Indonesia",
	"IE": "Ireland", "IL": "Israel", "IN": "India", "IQ": "Iraq", "IR": "Iran", "IT": "Italy",
	"JM": "Jamaica", "JO": "Jordan", "JP": "Japan", "KE": "Kenya", "KG": "Kyrgyzstan",
	"KH": "Cambodia", "KR": "South Korea", "KW": "Kuwait", "KZ": "Kazakhstan", "LA": "Laos",
	"LB": "Lebanon", "LK": "Sri Lanka", "LR": "Liberia", "LY": "Libya", "MA": "Morocco",
	"MD": "Moldova", "MG": "Madagascar", "ML": "Mali", "MM": "Myanmar", "MN": "Mongolia",
	"MR": "Mauritania", "MW": "Malawi", "MX": "Mexico", "MY": "Malaysia", "MZ": "Mozambique",
	"NA": "Namibia", "NE": "Niger", "NG": "Nigeria", "NI": "Nicaragua", "NL": "the Netherlands",
	"NO": "Norway", "NP": "Nepal", "NZ": "New Zealand", "OM": "Oman", "PA": "Panama",
	"PE": "Peru", "PG": "Papua New Guinea", "PH": "the Philippines", "PK": "Pakistan",
	"PL": "Poland", "PR": "Puerto Rico", "PS": "Palestine", "PT": "Portugal", "PY": "Paraguay",
	"QA": "Qatar", "RO": "Romania", "RS": "Serbia", "RU": "Russia", "RW": "Rwanda",
	"SA": "Saudi Arabia", "SD": "Sudan", "SE": "Sweden", "SG": "Singapore", "SL": "Sierra Leone",
	"SN": "Senegal", "SO": "Somalia", "SS": "South Sudan", "SV": "El Salvador", "SY": "Syria",
	"TD": "Chad", "TG": "Togo", "TH": "Thailand", "TJ": "Tajikistan", "TM": "Turkmenistan",
	"TN": "Tunisia", "TR": "Türkiye", "TW": "Taiwan", "TZ": "Tanzania", "UA": "Ukraine",
	"UG": "Uganda", "US": "the United States", "UY": "Uruguay", "UZ": "Uzbekistan",
	"VE": "Venezuela", "VN": "Viet Nam", "YE": "Yemen", "ZA": "South Africa", "ZM": "Zambia",
	"ZW": "Zimbabwe",
}

// countryName is the name of country cc as used in a title ("Kenya", "the
// Philippines"), or cc itself when unknown.
func countryName(cc string) string {
	if n, ok := countryNames[cc]; ok {
		return n
	}
	return cc
}

// countryLabel is the country's name without a leading article, for
// location and programme names ("Philippines").
func countryLabel(cc string) string {
	return strings.TrimPrefix(countryName(cc), "the ")
}
