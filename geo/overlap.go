package geo

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// The overlap rule. Two activities overlap, as a collaboration opportunity
// the secretariat may follow up, when all of these hold:
//
//   - Different members: their lead organisations differ.
//   - The same place, in tiers from strongest to weakest:
//     TierNear: two of their locations that are not country-wide lie
//     within the distance (default 25 km, great-circle on the sphere, so
//     across the antimeridian and near the poles too) or at the same
//     GeoNames place; TierInCountry: one works at a place inside a country
//     the other works in country-wide; TierSameCountry: both work
//     country-wide in one country. A pair counts once, at its strongest
//     tier and, within it, its shortest distance.
//   - A shared theme.
//   - Overlapping periods (unknown ends are open). Planned (pipeline) and
//     active (implementation) activities take part; finalising and closed
//     ones only when asked (IncludeCompleted); cancelled and suspended ones
//     never.
//   - Both visible to the viewer and both selected by the filter; but
//     when a query asks for one activity's overlaps (Activity), that
//     activity only has to be visible and take part, and the filter
//     selects the others it is paired with.
//
// The score (0-100) weighs the place (45: near pairs from 45 at the same
// spot down to 22.5 at the distance limit, falling with the square of the
// distance, so it hardly matters within a city; at least 33.75 at the same
// GeoNames place; 15.75 for a place in a country-wide activity's country;
// 9 for two country-wide ones), the themes (25 times the shared themes
// over the longer theme list, counted as at least two: sharing two themes
// is a broader common interest than sharing one), the time (20 times the
// share of the shorter period that overlaps, open ends taken at 1950 and
// 2100) and both being active (status implementation, period covering the
// day) on AsOf, by default today (10).

// PlaceTier is how two activities share a place: lower is closer.
type PlaceTier int

// Place tiers.
const (
	TierNear        PlaceTier = 1 // locations within the distance, or the same GeoNames place
	TierInCountry   PlaceTier = 2 // a place inside a country-wide activity's country
	TierSameCountry PlaceTier = 3 // both country-wide in one country
)

// String is the tier's name in the API.
func (t PlaceTier) String() string {
	switch t {
	case TierNear:
		return "near"
	case TierInCountry:
		return "in_country"
	case TierSameCountry:
		return "same_country"
	}
	return fmt.Sprintf("tier%d", int(t))
}

// ParsePlaceTier reads the weakest tier a request accepts: near,
// in_country or same_country (the default, every tier).
func ParsePlaceTier(s string) (PlaceTier, error) {
	for _, t := range []PlaceTier{TierNear, TierInCountry, TierSameCountry} {
		if s == t.String() {
			return t, nil
		}
	}
	return 0, fmt.Errorf("%q is not one of near, in_country, same_country", s)
}

// Overlap query limits and defaults.
const (
	DefaultOverlapDistanceKm = 25.0
	MaxOverlapDistanceKm     = 100.0
)

// OverlapQuery selects and pages overlaps.
type OverlapQuery struct {
	Filter           ActivityFilter // both activities must match it (with Activity: the other one)
	DistanceKm       float64        // near tier; 0: DefaultOverlapDistanceKm
	MaxTier          PlaceTier      // weakest tier reported; 0: every tier
	MinScore         float64        // 0-100
	IncludeCompleted bool           // finalising and closed activities take part
	Organisation     int64          // when set, one side must be led by it
	Activity         int64          // when set, one side must be it: visible and taking part (else none), not held to Filter
	AsOf             time.Time      // the day "active now" means; zero: today
	Page             Page
}

// Validate checks the query's own fields and the filter.
func (q OverlapQuery) Validate() error {
	var errs []FieldError
	if q.DistanceKm < 0 || q.DistanceKm > MaxOverlapDistanceKm || math.IsNaN(q.DistanceKm) {
		errs = append(errs, FieldError{Parameter: "distance_km", Detail: fmt.Sprintf("must be more than 0 and at most %g", MaxOverlapDistanceKm)})
	}
	if q.MaxTier < 0 || q.MaxTier > TierSameCountry {
		errs = append(errs, FieldError{Parameter: "place_tier", Detail: "must be near, in_country or same_country"})
	}
	if q.MinScore < 0 || q.MinScore > 100 || math.IsNaN(q.MinScore) {
		errs = append(errs, FieldError{Parameter: "min_score", Detail: "must be from 0 to 100"})
	}
	if q.Organisation < 0 {
		errs = append(errs, FieldError{Parameter: "id", Detail: "an organisation id is a positive number"})
	}
	if q.Activity < 0 {
		errs = append(errs, FieldError{Parameter: "id", Detail: "an activity id is a positive number"})
	}
	if err := q.Filter.Validate(); err != nil {
		return err
	}
	if len(errs) > 0 {
		return &Error{Code: EInvalid, Message: "invalid overlap query", Fields: errs}
	}
	return nil
}

// Distance returns the near tier's distance in km, with the default.
func (q OverlapQuery) Distance() float64 {
	if q.DistanceKm == 0 {
		return DefaultOverlapDistanceKm
	}
	return q.DistanceKm
}

// Tier returns the weakest tier reported, with the default.
func (q OverlapQuery) Tier() PlaceTier {
	if q.MaxTier == 0 {
		return TierSameCountry
	}
	return q.MaxTier
}

// OverlapSide is one activity of an overlap, summarised.
type OverlapSide struct {
	ID             int64
	Title          string
	Status         Status
	Start, End     time.Time // zero when unknown
	OrganisationID int64     // the lead
	Organisation   string
	Constituency   Constituency
	Location       string    // the location the overlap is at: place or country name
	Point          orb.Point // its representative point
	CountryWide    bool
}

// Overlap is a pair of activities the rule matches, A with the lower id.
type Overlap struct {
	A, B        OverlapSide
	Tier        PlaceTier
	DistanceKm  float64   // near tier: between the two locations; else 0
	SamePlace   bool      // near tier at one GeoNames place
	Place       string    // the shared place: a place name or a country name
	CountryCode string    // the country of the shared place
	Themes      []string  // shared theme codes
	ThemeNames  []string  // and their names
	From, To    time.Time // the overlapping period; zero: open
	ActiveNow   bool
	Score       float64
}

// OverlapPage is one page of overlaps, best first, and how many match.
type OverlapPage struct {
	Overlaps      []Overlap
	NumberMatched int64
}

// Reasons explains an overlap in a few short phrases a person can read,
// the most telling first.
func (o Overlap) Reasons() []string {
	names := make([]string, len(o.ThemeNames))
	for i, t := range o.ThemeNames {
		if t != "" {
			t = strings.ToLower(t[:1]) + t[1:]
		}
		names[i] = t
	}
	out := []string{"Both work on " + joinAnd(names)}
	switch o.Tier {
	case TierNear:
		switch {
		case o.SamePlace && o.DistanceKm < 1:
			out = append(out, "in "+o.Place)
		case o.SamePlace:
			out = append(out, fmt.Sprintf("in %s, %s apart", o.Place, km(o.DistanceKm)))
		default:
			out = append(out, fmt.Sprintf("near %s, %s apart", o.Place, km(o.DistanceKm)))
		}
	case TierInCountry:
		wide, local := o.A, o.B
		if !wide.CountryWide {
			wide, local = o.B, o.A
		}
		out = append(out, fmt.Sprintf("in %s: %s country-wide, %s in %s", o.Place, wide.Organisation, local.Organisation, local.Location))
	case TierSameCountry:
		out = append(out, "country-wide in "+o.Place)
	}
	out = append(out, "overlapping "+period(o.From, o.To))
	if o.ActiveNow {
		out = append(out, "both active now")
	}
	return out
}

// Reason is Reasons as one sentence: "Both work on climate adaptation in
// Nairobi, 3 km apart, overlapping Mar 2024 - Dec 2025".
func (o Overlap) Reason() string {
	r := o.Reasons()
	s := r[0] + " " + r[1]
	if len(r) > 2 {
		s += ", " + strings.Join(r[2:], ", ")
	}
	return s
}

func km(d float64) string {
	if d < 1 {
		return fmt.Sprintf("%.0f m", d*1000)
	}
	return fmt.Sprintf("%.0f km", d)
}

func period(from, to time.Time) string {
	month := func(t time.Time, open string) string {
		if t.IsZero() {
			return open
		}
		return t.Format("Jan 2006")
	}
	if from.IsZero() && to.IsZero() {
		return "at any time (no dates)"
	}
	return month(from, "open start") + " - " + month(to, "open end")
}

func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// OverlapMatrix counts the overlaps a query selects per pair of lead
// organisations, for a heatmap: each unordered pair once, A < B.
type OverlapMatrix struct {
	Organisations []MatrixOrganisation // those in a cell, by name
	Cells         []MatrixCell         // most overlaps first
	Overlaps      int64                // in all the cells
}

// MatrixOrganisation is an organisation of the matrix.
type MatrixOrganisation struct {
	ID           int64
	Name         string
	Constituency Constituency
}

// MatrixCell is one pair of organisations and their overlaps.
type MatrixCell struct {
	A, B      int64 // organisation ids, A < B
	Overlaps  int64
	BestScore float64
	Themes    []ThemeCount // shared themes, most frequent first
}

// ThemeCount is how many overlaps share a theme.
type ThemeCount struct {
	Code  string
	Count int64
}

// DefaultHotspotMembers is the fewest members that make a hotspot.
const DefaultHotspotMembers = 3

// HotspotQuery selects hotspots: places where MinMembers or more members
// work on one theme at the same time.
type HotspotQuery struct {
	Filter           ActivityFilter // the activities that count
	MinMembers       int            // 0: DefaultHotspotMembers
	IncludeCompleted bool
	Page             Page
}

// Members returns the fewest members, with the default.
func (q HotspotQuery) Members() int {
	if q.MinMembers == 0 {
		return DefaultHotspotMembers
	}
	return q.MinMembers
}

// Validate checks the query.
func (q HotspotQuery) Validate() error {
	if q.MinMembers != 0 && (q.MinMembers < 2 || q.MinMembers > 100) {
		return &Error{Code: EInvalid, Message: "invalid hotspot query",
			Fields: []FieldError{{Parameter: "min_members", Detail: "must be from 2 to 100"}}}
	}
	return q.Filter.Validate()
}

// Hotspot is a place where several members work on one theme at the same
// time. A location counts at its GeoNames place, or, for an exact point
// or a shape, at the nearest place of 15,000 people or more within 25 km;
// country-wide locations do not count. The members and activities are
// those active on Day, the first day on which the most of them are.
type Hotspot struct {
	PlaceID     int64
	Place       string
	CountryCode string
	Point       orb.Point
	Theme       string
	ThemeName   string
	Day         time.Time // zero: before any known start (all open)
	Members     []MatrixOrganisation
	Activities  []HotspotActivity
}

// HotspotActivity is an activity of a hotspot.
type HotspotActivity struct {
	ID             int64
	Title          string
	OrganisationID int64 // the lead
}

// HotspotPage is one page of hotspots, most members first.
type HotspotPage struct {
	Hotspots      []Hotspot
	NumberMatched int64
}
