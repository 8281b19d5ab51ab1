package geo

import (
	"encoding/json"
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
