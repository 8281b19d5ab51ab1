package geo

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// BBox is a lon/lat box; MinLon > MaxLon means it crosses the antimeridian.
type BBox struct {
	MinLon, MinLat, MaxLon, MaxLat float64
}

// Bounds returns the box as one or, across the antimeridian, two bounds.
func (b BBox) Bounds() []orb.Bound {
	if b.MinLon <= b.MaxLon {
		return []orb.Bound{{Min: orb.Point{b.MinLon, b.MinLat}, Max: orb.Point{b.MaxLon, b.MaxLat}}}
	}
	return []orb.Bound{
		{Min: orb.Point{b.MinLon, b.MinLat}, Max: orb.Point{180, b.MaxLat}},
		{Min: orb.Point{-180, b.MinLat}, Max: orb.Point{b.MaxLon, b.MaxLat}},
	}
}

// ParseBBox parses "minLon,minLat,maxLon,maxLat" (OGC API bbox; a 6-number
// 3D box drops its heights).
func ParseBBox(s string) (BBox, error) {
	parts := strings.Split(s, ",")
	if len(parts) == 6 {
		parts = []string{parts[0], parts[1], parts[3], parts[4]}
	}
	if len(parts) != 4 {
		return BBox{}, fmt.Errorf("want minLon,minLat,maxLon,maxLat")
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return BBox{}, fmt.Errorf("%q is not a number", p)
		}
		v[i] = f
	}
	b := BBox{v[0], v[1], v[2], v[3]}
	switch {
	case b.MinLon < -180 || b.MinLon > 180 || b.MaxLon < -180 || b.MaxLon > 180:
		return BBox{}, fmt.Errorf("longitudes must be within [-180, 180]")
	case b.MinLat < -90 || b.MaxLat > 90 || b.MinLat > 90 || b.MaxLat < -90:
		return BBox{}, fmt.Errorf("latitudes must be within [-90, 90]")
	case b.MinLat > b.MaxLat:
		return BBox{}, fmt.Errorf("minLat must not exceed maxLat")
	}
	return b, nil
}

// Interval is a closed time interval; a zero Start or End is open.
type Interval struct {
	Start, End time.Time
}

// ParseDatetime parses an OGC API datetime: an instant, "a/b", "../b",
// "a/..". Dates (2024-05-01) and RFC 3339 timestamps are accepted; a date as
// an end means the whole day.
func ParseDatetime(s string) (Interval, error) {
	start, end, isRange := strings.Cut(s, "/")
	if !isRange {
		t, err := parseInstant(s, false)
		if err != nil {
			return Interval{}, err
		}
		e, _ := parseInstant(s, true)
		return Interval{Start: t, End: e}, nil
	}
	var iv Interval
	var err error
	if start != ".." && start != "" {
		if iv.Start, err = parseInstant(start, false); err != nil {
			return Interval{}, err
		}
	}
	if end != ".." && end != "" {
		if iv.End, err = parseInstant(end, true); err != nil {
			return Interval{}, err
		}
	}
	if iv.Start.IsZero() && iv.End.IsZero() {
		return Interval{}, fmt.Errorf("an interval needs at least one end")
	}
	if !iv.Start.IsZero() && !iv.End.IsZero() && iv.End.Before(iv.Start) {
		return Interval{}, fmt.Errorf("the interval ends before it starts")
	}
	return iv, nil
}

func parseInstant(s string, endOfDay bool) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		if endOfDay {
			t = t.Add(24*time.Hour - time.Nanosecond)
		}
		return t, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date (2024-05-01) or RFC 3339 time", s)
	}
	if t.Year() < 1 || t.Year() > 9999 {
		return time.Time{}, fmt.Errorf("%q is out of range", s)
	}
	return t.UTC(), nil
}

// SortKey orders results by a sortable property.
type SortKey struct {
	Property string
	Desc     bool
}

// ActivityFilter selects activities. Items, tiles, stats, exports, overlaps
// and counts all take it, so the same query string means the same subset
// everywhere. Zero values mean "no constraint".
type ActivityFilter struct {
	BBox           *BBox
	Datetime       *Interval
	IDs            []int64
	Organisations  []int64
	Constituencies []Constituency
	Programmes     []int64
	ProgrammeTypes []ProgrammeType
	Themes         []string
	Statuses       []Status
	Countries      []string // ISO 3166-1 alpha-2
	Regions        []string // UN M49 codes of regions, sub-regions or intermediate regions
	BudgetMin      *float64
	BudgetMax      *float64
	// BudgetCurrency is the currency BudgetMin and BudgetMax are stated in
	// (default USD); budgets in other currencies are converted at the
	// indicative rates of the exchange_rates table.
	BudgetCurrency string
	Q              string // free text
	CQL            string // CQL2 text filter, compiled against the queryables
}

// Empty reports whether f selects everything the viewer may see.
func (f ActivityFilter) Empty() bool {
	return f.BBox == nil && f.Datetime == nil && len(f.IDs) == 0 && len(f.Organisations) == 0 &&
		len(f.Constituencies) == 0 && len(f.Programmes) == 0 && len(f.ProgrammeTypes) == 0 &&
		len(f.Themes) == 0 && len(f.Statuses) == 0 && len(f.Countries) == 0 && len(f.Regions) == 0 &&
		f.BudgetMin == nil && f.BudgetMax == nil && f.Q == "" && f.CQL == "" // a currency alone selects nothing
}

// Vocabulary limits that keep filters cheap.
const (
	MaxFilterValues = 100 // values per list parameter
	MaxQLength      = 200
)

// Limits of a CQL2 filter (ActivityFilter.CQL), the same where it is checked
// (the HTTP layer) and where it is compiled (the store).
const (
	MaxCQLLength = 4000 // characters
	MaxCQLDepth  = 20   // nesting of parentheses, function calls and NOT
	MaxCQLNodes  = 200  // syntax tree nodes
)

var (
	themeCode   = regexp.MustCompile(`^[a-z_]{1,40}$`)
	countryCode = regexp.MustCompile(`^[A-Z]{2}$`)
	regionCode  = regexp.MustCompile(`^[0-9]{3}$`)
	currency    = regexp.MustCompile(`^[A-Z]{3}$`)
)

// Validate checks a filter built by hand; the HTTP parser produces valid
// ones. Its error lists every field at fault.
func (f ActivityFilter) Validate() error {
	var errs []FieldError
	bad := func(param, detail string) { errs = append(errs, FieldError{Parameter: param, Detail: detail}) }
	for _, c := range f.Constituencies {
		if !slices.Contains(Constituencies, c) {
			bad("constituency", fmt.Sprintf("unknown constituency %q (one of %v)", c, Constituencies))
		}
	}
	for _, t := range f.ProgrammeTypes {
		if !slices.Contains(ProgrammeTypes, t) {
			bad("programme_type", fmt.Sprintf("unknown programme type %q (one of %v)", t, ProgrammeTypes))
		}
	}
	for _, s := range f.Statuses {
		if !slices.Contains(Statuses, s) {
			bad("status", fmt.Sprintf("unknown status %q (one of %v)", s, Statuses))
		}
	}
	check := func(param string, vals []string, re *regexp.Regexp, what string) {
		for _, v := range vals {
			if !re.MatchString(v) {
				bad(param, fmt.Sprintf("%q is not %s", v, what))
			}
		}
	}
	check("theme", f.Themes, themeCode, "a theme code")
	check("country", f.Countries, countryCode, "an ISO 3166-1 alpha-2 code")
	check("region", f.Regions, regionCode, "a UN M49 code")
	if f.BudgetCurrency != "" && !currency.MatchString(f.BudgetCurrency) {
		bad("budget_currency", "not an ISO 4217 code")
	}
	for param, v := range map[string]*float64{"budget_min": f.BudgetMin, "budget_max": f.BudgetMax} {
		if v != nil && !(*v >= 0 && *v <= 1e15) {
			bad(param, "budgets run from 0 to 10^15")
		}
	}
	if f.BudgetMin != nil && f.BudgetMax != nil && *f.BudgetMin > *f.BudgetMax {
		bad("budget_min", "exceeds budget_max")
	}
	for name, n := range map[string]int{"theme": len(f.Themes), "country": len(f.Countries), "region": len(f.Regions),
		"organisation": len(f.Organisations), "programme": len(f.Programmes)} {
		if n > MaxFilterValues {
			bad(name, fmt.Sprintf("more than %d values", MaxFilterValues))
		}
	}
	if len(f.Q) > MaxQLength {
		bad("q", fmt.Sprintf("longer than %d characters", MaxQLength))
	}
	if len(errs) > 0 {
		return &Error{Code: EInvalid, Message: "invalid filter", Fields: errs}
	}
	return nil
}

// Page is how a list of results is cut and shaped: which page, which
// properties, in which order.
type Page struct {
	Limit      int
	Offset     int
	Properties []string // nil: all
	SortBy     []SortKey
}

// QueryableType is the type of a queryable property, as CQL2 and JSON
// Schema see it.
type QueryableType string

// Queryable types.
const (
	QString      QueryableType = "string"
	QInteger     QueryableType = "integer"
	QNumber      QueryableType = "number"
	QDate        QueryableType = "date"
	QInterval    QueryableType = "interval"
	QGeometry    QueryableType = "geometry"
	QStringArray QueryableType = "string_array"
)

// Queryable is a property a CQL2 filter may name. Its Type is the one
// description of its type: JSON Schema (/queryables) and the CQL2 checker
// (cql2.TypeOf) both derive theirs from it.
type Queryable struct {
	Name        string
	Type        QueryableType
	Description string
	Enum        []string // allowed values, when a vocabulary fixes them
}

// ActivityQueryables are the activity properties CQL2 filters may use, the
// one list of them: the store holds only the SQL each name stands for.
func ActivityQueryables() []Queryable {
	var statuses, constituencies, types []string
	for _, s := range Statuses {
		statuses = append(statuses, string(s))
	}
	for _, c := range Constituencies {
		constituencies = append(constituencies, string(c))
	}
	for _, t := range ProgrammeTypes {
		types = append(types, string(t))
	}
	return []Queryable{
		{Name: "id", Type: QInteger, Description: "activity id"},
		{Name: "title", Type: QString, Description: "title"},
		{Name: "description", Type: QString, Description: "description"},
		{Name: "iati_identifier", Type: QString, Description: "IATI activity identifier"},
		{Name: "status", Type: QString, Description: "IATI activity status", Enum: statuses},
		{Name: "start_date", Type: QDate, Description: "planned or actual start"},
		{Name: "end_date", Type: QDate, Description: "planned or actual end"},
		{Name: "datetime", Type: QInterval, Description: "the activity period (start_date to end_date)"},
		{Name: "budget", Type: QNumber, Description: "budget amount, in currency"},
		{Name: "currency", Type: QString, Description: "ISO 4217 code of the budget"},
		{Name: "programme_id", Type: QInteger, Description: "programme id"},
		{Name: "programme_type", Type: QString, Description: "programme type", Enum: types},
		{Name: "lead_organisation_id", Type: QInteger, Description: "id of the lead organisation"},
		{Name: "organisations", Type: QStringArray, Description: "slugs of every organisation taking part"},
		{Name: "constituencies", Type: QStringArray, Description: "constituencies of the organisations taking part", Enum: constituencies},
		{Name: "themes", Type: QStringArray, Description: "theme codes"},
		{Name: "countries", Type: QStringArray, Description: "ISO 3166-1 alpha-2 codes of the locations"},
		{Name: "geometry", Type: QGeometry, Description: "representative points of the locations"},
	}
}

// Extent is the spatial and temporal extent of what a viewer may see of a
// collection; nil parts are unknown (an empty collection).
type Extent struct {
	BBox       *BBox
	Start, End *time.Time
}

// ActivitySortable lists the activity properties sortby accepts.
var ActivitySortable = []string{"id", "title", "status", "start_date", "end_date", "budget", "updated_at"}
