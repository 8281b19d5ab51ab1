package geo

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/paulmach/orb"
)

// Money is an amount in an ISO 4217 currency. Amounts are stored exactly as
// numeric(18,2); as float64 they round-trip for any budget below 10^13.
type Money struct {
	Amount   float64
	Currency string // ISO 4217 alphabetic code
}

// ActivityOrganisation is an organisation's role in an activity. Slug names
// the organisation; the store resolves it.
type ActivityOrganisation struct {
	Slug string
	Role Role
}

// Location is one place an activity works in. Geometry is EPSG:4326
// [lon, lat]; it is nil for KindCountry, which refers to the country polygon
// of CountryCode rather than copying it.
type Location struct {
	Kind        LocationKind
	Precision   Precision
	Name        string
	CountryCode string // ISO 3166-1 alpha-2, empty when unknown
	PlaceID     int64  // GeoNames id for KindPlace, else 0
	AdminArea   string // admin area name or code for KindAdminArea
	Geometry    orb.Geometry
}

// Activity is the unit on the map.
type Activity struct {
	ID             int64
	IATIIdentifier string // unique when present
	Title          string
	Description    string
	ProgrammeSlug  string // empty when the activity belongs to no programme
	Status         Status
	Start, End     time.Time // dates (UTC midnight); zero when unknown
	Budget         *Money
	Visibility     Visibility
	Organisations  []ActivityOrganisation
	Themes         []string // theme codes
	Locations      []Location
	Demo           bool
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Theme is an entry of the alliance's theme vocabulary.
type Theme struct {
	Code       string
	Name       string
	SDGTargets []string // e.g. "11.1", "13.1"
}

// FeaturePage is one page of GeoJSON Feature objects, already encoded, and
// the number of features the filter matches in all.
type FeaturePage struct {
	Features      []json.RawMessage
	NumberMatched int64
}

// ActivityView is an activity as the read side shows it: the row, its
// organisations with their roles, its themes and its locations, each with
// the representative point maps and boxes use.
type ActivityView struct {
	ID             int64
	IATIIdentifier string
	Title          string
	Description    string
	Status         Status
	Start, End     time.Time // zero when unknown
	Budget         string    // exact decimal text ("1250000.00"); empty when none
	Currency       string
	Visibility     Visibility
	ProgrammeID    int64 // 0 when none
	ProgrammeName  string
	ProgrammeType  ProgrammeType
	Demo           bool
	UpdatedAt      time.Time
	Version        int                // the row version, for ETags and If-Match
	Organisations  []OrganisationRole // the lead first
	Themes         []string
	Locations      []LocationView
}

// OrganisationRole is an organisation's part in an activity, as shown.
type OrganisationRole struct {
	ID           int64
	Slug, Name   string
	Role         Role
	Constituency Constituency
}

// LocationView is a location as shown: what it refers to and the point
// that stands for it (for a country, its label point).
type LocationView struct {
	Kind        LocationKind
	Precision   Precision
	Name        string
	CountryCode string
	PlaceID     int64
	Point       orb.Point
}

// Lead returns the lead organisation, if any.
func (a ActivityView) Lead() (OrganisationRole, bool) {
	for _, o := range a.Organisations {
		if o.Role == RoleLead {
			return o, true
		}
	}
	return OrganisationRole{}, false
}

// Countries returns the distinct country codes of the locations, sorted.
func (a ActivityView) Countries() []string {
	out := []string{}
	for _, l := range a.Locations {
		if l.CountryCode != "" && !slices.Contains(out, l.CountryCode) {
			out = append(out, l.CountryCode)
		}
	}
	slices.Sort(out)
	return out
}

// BestPrecision returns the most precise of the locations' precisions ("" without locations).
func (a ActivityView) BestPrecision() Precision {
	best := ""
	for _, l := range a.Locations {
		if best == "" || precisionRank[l.Precision] < precisionRank[Precision(best)] {
			best = string(l.Precision)
		}
	}
	return Precision(best)
}

var precisionRank = map[Precision]int{
	PrecisionExact: 1, PrecisionApproximate: 2, PrecisionCity: 3, PrecisionAdminArea: 4, PrecisionCountry: 5,
}

// ActivityPage is one page of activities and the number the filter matches
// in all.
type ActivityPage struct {
	Activities    []ActivityView
	NumberMatched int64
}
