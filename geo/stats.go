package geo

// GroupBy is a dimension the stats endpoint groups activities by.
type GroupBy string

// Stats dimensions.
const (
	ByNone          GroupBy = ""
	ByCountry       GroupBy = "country"
	ByRegion        GroupBy = "region"
	ByTheme         GroupBy = "theme"
	ByOrganisation  GroupBy = "organisation"
	ByConstituency  GroupBy = "constituency"
	ByProgrammeType GroupBy = "programme_type"
	ByStatus        GroupBy = "status"
	ByStartYear     GroupBy = "start_year"
)

// GroupBys lists every dimension but ByNone.
var GroupBys = []GroupBy{ByCountry, ByRegion, ByTheme, ByOrganisation, ByConstituency, ByProgrammeType, ByStatus, ByStartYear}

// Amount is a sum of money in one currency.
type Amount struct {
	Currency string  `json:"currency"`
	Amount   float64 `json:"amount"`
}

// StatsGroup is the figures of one group. An activity counts in every group
// it belongs to (an activity in two countries counts in both), once.
type StatsGroup struct {
	Key           string   `json:"key"`
	Label         string   `json:"label"`
	Activities    int64    `json:"activity_count"`
	Organisations int64    `json:"organisation_count"`
	Budgets       []Amount `json:"budgets"`
}

// Stats is the answer of the stats endpoint: totals and, when grouped, one
// entry per group, largest first.
type Stats struct {
	GroupBy GroupBy      `json:"group_by,omitempty"`
	Total   StatsGroup   `json:"total"`
	Groups  []StatsGroup `json:"groups,omitempty"`
}

// SearchHit is one result of the search box: an activity, an organisation
// or a gazetteer place, with a point to fly to.
type SearchHit struct {
	Type        string      `json:"type"` // activity, organisation or place
	ID          int64       `json:"id"`
	Name        string      `json:"name"`
	Detail      string      `json:"detail,omitempty"` // e.g. the organisation or the admin area
	CountryCode string      `json:"country_code,omitempty"`
	Point       *[2]float64 `json:"point,omitempty"` // [lon, lat]
	Score       float64     `json:"score"`
}
