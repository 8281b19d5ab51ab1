package geo

import (
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Limits of a written activity. The database's constraints repeat the
// ones it can express.
const (
	MaxTitleLen         = 500   // characters
	MaxDescriptionLen   = 20000 // characters
	MaxLocationNameLen  = 300
	MaxAdminAreaLen     = 200
	MaxLocations        = 100
	MaxShapeVertices    = 5000 // per drawn shape
	MaxOrganisationRefs = 50
	MaxThemeRefs        = 30
)

// OrganisationRef is an organisation's role in a written activity.
type OrganisationRef struct {
	ID   int64
	Role Role
}

// LocationInput is one location as a client writes it. Geometry is
// EPSG:4326 [lon, lat]: a Point for KindPoint, a Point or (Multi)Polygon for
// KindAdminArea, a (Multi)Polygon for KindShape, and nil for KindPlace and
// KindCountry, whose geometry comes from the gazetteer and the country
// boundaries.
type LocationInput struct {
	Kind        LocationKind
	Precision   Precision
	Name        string
	CountryCode string // ISO 3166-1 alpha-2; required for KindCountry
	PlaceID     int64  // GeoNames id; required for KindPlace
	AdminArea   string // required for KindAdminArea
	Geometry    orb.Geometry
}

// ActivityInput is everything a client may set on an activity: the fields
// of the write document (POST, PUT and, merged, PATCH), and what the
// history records. Server-owned values (id, version, times, demo) are not
// in it.
type ActivityInput struct {
	Title          string
	Description    string
	ProgrammeID    int64 // 0: none
	Status         Status
	Start, End     time.Time // dates at UTC midnight; zero: unknown
	Budget         string    // exact decimal text with two decimals ("250000.00"); "": none
	Currency       string    // ISO 4217
	Visibility     Visibility
	IATIIdentifier string
	Organisations  []OrganisationRef
	Themes         []string
	Locations      []LocationInput
}

var (
	budgetPattern   = regexp.MustCompile(`^[0-9]{1,16}(\.[0-9]{1,2})?$`)
	currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)
	countryPattern  = regexp.MustCompile(`^[A-Z]{2}$`)
	codePattern     = regexp.MustCompile(`^[a-z_]{1,40}$`)
	// IATIIdentifierPattern is the identifiers the database accepts.
	IATIIdentifierPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/-]{2,149}$`)
	minDate               = time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)
	maxDate               = time.Date(2100, 12, 31, 0, 0, 0, 0, time.UTC)
)

// DefaultPrecision is the precision a location of kind k has when the
// client does not say.
func DefaultPrecision(k LocationKind) Precision {
	switch k {
	case KindPlace:
		return PrecisionCity
	case KindCountry:
		return PrecisionCountry
	case KindAdminArea:
		return PrecisionAdminArea
	case KindShape:
		return PrecisionApproximate
	default:
		return PrecisionExact
	}
}

// Normalise fills the defaults (status implementation, visibility public,
// each location's precision for its kind), trims the title and the names,
// and writes the budget with two decimals. It keeps the order of every
// list, so that faults point at the client's own indexes; Fields puts
// organisations and themes in a canonical order for comparing.
func (in *ActivityInput) Normalise() {
	in.Title = strings.TrimSpace(in.Title)
	if in.Status == "" {
		in.Status = StatusImplementation
	}
	if in.Visibility == "" {
		in.Visibility = Public
	}
	if budgetPattern.MatchString(in.Budget) {
		whole, frac, _ := strings.Cut(in.Budget, ".")
		whole = strings.TrimLeft(whole, "0")
		if whole == "" {
			whole = "0"
		}
		in.Budget = whole + "." + (frac + "00")[:2]
	}
	for i := range in.Locations {
		l := &in.Locations[i]
		l.Name = strings.TrimSpace(l.Name)
		l.AdminArea = strings.TrimSpace(l.AdminArea)
		if l.Precision == "" {
			l.Precision = DefaultPrecision(l.Kind)
		}
	}
}

// sortedOrganisations returns the organisations lead first, then by id and
// role: the order they compare in (the database keeps none).
func sortedOrganisations(orgs []OrganisationRef) []OrganisationRef {
	out := slices.Clone(orgs)
	slices.SortFunc(out, func(a, b OrganisationRef) int {
		if (a.Role == RoleLead) != (b.Role == RoleLead) {
			if a.Role == RoleLead {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(a.ID, b.ID); c != 0 {
			return c
		}
		return strings.Compare(string(a.Role), string(b.Role))
	})
	return out
}

// Lead returns the lead organisation's id, 0 when there is none.
func (in ActivityInput) Lead() int64 {
	for _, o := range in.Organisations {
		if o.Role == RoleLead {
			return o.ID
		}
	}
	return 0
}

// Validate checks every value of a normalised input and returns an EInvalid
// *Error listing each fault with its JSON pointer in the write document
// (/properties/title, /properties/locations/2/geometry, ...), or nil.
// References (programme, organisations, themes, currency, places,
// countries) are checked by the store, which knows them.
func (in ActivityInput) Validate() error {
	var v fieldErrors
	v.text("/properties/title", in.Title, 1, MaxTitleLen, false)
	v.text("/properties/description", in.Description, 0, MaxDescriptionLen, true)
	if in.ProgrammeID < 0 {
		v.add("/properties/programme_id", "must be a programme id")
	}
	if !slices.Contains(Statuses, in.Status) {
		v.add("/properties/status", "must be one of "+joinCodes(Statuses))
	}
	if !slices.Contains(Visibilities, in.Visibility) {
		v.add("/properties/visibility", "must be one of "+joinCodes(Visibilities))
	}
	v.date("/properties/start_date", in.Start)
	v.date("/properties/end_date", in.End)
	if !in.Start.IsZero() && !in.End.IsZero() && in.End.Before(in.Start) {
		v.add("/properties/end_date", "must not be before start_date")
	}
	switch {
	case in.Budget != "" && !budgetPattern.MatchString(in.Budget):
		v.add("/properties/budget", "must be an amount of at most 16 digits and 2 decimals, not negative")
	case in.Budget != "" && in.Currency == "":
		v.add("/properties/currency", "is required with a budget")
	}
	if in.Currency != "" && !currencyPattern.MatchString(in.Currency) {
		v.add("/properties/currency", "must be an ISO 4217 code such as USD")
	}
	if in.IATIIdentifier != "" && !IATIIdentifierPattern.MatchString(in.IATIIdentifier) {
		v.add("/properties/iati_identifier", "must be an IATI identifier: 3 to 150 letters, digits and . _ : / -")
	}
	v.organisations(in.Organisations)
	v.themes(in.Themes)
	if len(in.Locations) > MaxLocations {
		v.add("/properties/locations", fmt.Sprintf("at most %d locations", MaxLocations))
	} else {
		for i, l := range in.Locations {
			v.location("/properties/locations/"+strconv.Itoa(i), l)
		}
	}
	return v.err("invalid activity")
}

// fieldErrors collects the faults of one input.
type fieldErrors []FieldError

func (v *fieldErrors) add(pointer, detail string) {
	*v = append(*v, FieldError{Pointer: pointer, Detail: detail})
}

// err returns the faults as one EInvalid *Error, or nil when there are none.
func (v fieldErrors) err(message string) error {
	if len(v) == 0 {
		return nil
	}
	return &Error{Code: EInvalid, Message: message, Fields: v}
}

// text checks a string's length in characters and that it is valid UTF-8
// without control characters (line breaks and tabs allowed when multiline).
func (v *fieldErrors) text(pointer, s string, minLen, maxLen int, multiline bool) {
	n := utf8.RuneCountInString(s)
	switch {
	case !utf8.ValidString(s):
		v.add(pointer, "must be valid UTF-8")
	case n < minLen:
		v.add(pointer, "is required")
	case n > maxLen:
		v.add(pointer, fmt.Sprintf("must be at most %d characters (it has %d)", maxLen, n))
	case strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t'))
	}):
		v.add(pointer, "must not contain control characters")
	}
}

func (v *fieldErrors) date(pointer string, t time.Time) {
	if !t.IsZero() && (t.Before(minDate) || t.After(maxDate)) {
		v.add(pointer, "must be between 1950-01-01 and 2100-12-31")
	}
}

func (v *fieldErrors) organisations(orgs []OrganisationRef) {
	const p = "/properties/organisations"
	if len(orgs) > MaxOrganisationRefs {
		v.add(p, fmt.Sprintf("at most %d organisations", MaxOrganisationRefs))
		return
	}
	leads := 0
	seen := map[OrganisationRef]bool{}
	for i, o := range orgs {
		at := p + "/" + strconv.Itoa(i)
		if o.ID <= 0 {
			v.add(at+"/id", "must be an organisation id")
		}
		if !slices.Contains(Roles, o.Role) {
			v.add(at+"/role", "must be one of "+joinCodes(Roles))
		}
		if seen[o] {
			v.add(at, "is listed twice")
		}
		seen[o] = true
		if o.Role == RoleLead {
			leads++
		}
	}
	if leads != 1 {
		v.add(p, "must have exactly one organisation with the role lead")
	}
}

func (v *fieldErrors) themes(themes []string) {
	if len(themes) > MaxThemeRefs {
		v.add("/properties/themes", fmt.Sprintf("at most %d themes", MaxThemeRefs))
		return
	}
	for i, t := range themes {
		if !codePattern.MatchString(t) {
			v.add("/properties/themes/"+strconv.Itoa(i), "must be a theme code")
		} else if slices.Index(themes, t) < i {
			v.add("/properties/themes/"+strconv.Itoa(i), "is listed twice")
		}
	}
}

// location checks one location: its kind and precision, what its kind
// requires, and its geometry's type, coordinates and size.
func (v *fieldErrors) location(p string, l LocationInput) {
	if !slices.Contains(LocationKinds, l.Kind) {
		v.add(p+"/kind", "must be one of "+joinCodes(LocationKinds))
		return
	}
	if !slices.Contains(Precisions, l.Precision) {
		v.add(p+"/precision", "must be one of "+joinCodes(Precisions))
	}
	v.text(p+"/name", l.Name, 0, MaxLocationNameLen, false)
	v.text(p+"/admin_area", l.AdminArea, 0, MaxAdminAreaLen, false)
	if l.CountryCode != "" && !countryPattern.MatchString(l.CountryCode) {
		v.add(p+"/country_code", "must be an ISO 3166-1 alpha-2 code such as KE")
	}
	if l.PlaceID < 0 {
		v.add(p+"/place_id", "must be a GeoNames id")
	}
	g := p + "/geometry"
	switch l.Kind {
	case KindPoint:
		if _, ok := l.Geometry.(orb.Point); !ok {
			v.add(g, "a point location needs a Point geometry")
		}
	case KindPlace:
		if l.PlaceID <= 0 {
			v.add(p+"/place_id", "a place location needs the GeoNames id of the place")
		}
		if l.Geometry != nil {
			v.add(g, "a place location takes its geometry from the gazetteer: leave it out")
		}
	case KindCountry:
		if l.CountryCode == "" {
			v.add(p+"/country_code", "a country location needs the country's code")
		}
		if l.Geometry != nil {
			v.add(g, "a country location refers to the country's boundary: leave the geometry out")
		}
		if l.Precision != PrecisionCountry {
			v.add(p+"/precision", "a country location's precision is country")
		}
	case KindAdminArea:
		if l.AdminArea == "" {
			v.add(p+"/admin_area", "an admin area location needs the area's name or code")
		}
		if !isPointOrPolygonal(l.Geometry) {
			v.add(g, "an admin area location needs a Point, Polygon or MultiPolygon geometry")
		}
	case KindShape:
		if !isPolygonal(l.Geometry) {
			v.add(g, "a shape location needs a Polygon or MultiPolygon geometry")
		}
	}
	if l.Geometry == nil {
		return
	}
	if err := CheckLonLat(l.Geometry); err != nil {
		v.add(g, err.Error())
	} else if n := vertices(l.Geometry); n > MaxShapeVertices {
		v.add(g, fmt.Sprintf("at most %d vertices (it has %d)", MaxShapeVertices, n))
	}
}

func isPolygonal(g orb.Geometry) bool {
	switch g.(type) {
	case orb.Polygon, orb.MultiPolygon:
		return true
	}
	return false
}

func isPointOrPolygonal(g orb.Geometry) bool {
	_, point := g.(orb.Point)
	return point || isPolygonal(g)
}

func vertices(g orb.Geometry) int {
	switch g := g.(type) {
	case orb.Polygon:
		n := 0
		for _, r := range g {
			n += len(r)
		}
		return n
	case orb.MultiPolygon:
		n := 0
		for _, p := range g {
			n += vertices(p)
		}
		return n
	}
	return 1
}

func joinCodes[T ~string](codes []T) string {
	s := make([]string, len(codes))
	for i, c := range codes {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

// ActivityFieldNames lists the write document's properties in order: what
// Fields returns and the history records.
var ActivityFieldNames = []string{"title", "description", "programme_id", "status", "start_date", "end_date",
	"budget", "currency", "visibility", "iati_identifier", "organisations", "themes", "locations"}

// Field is one property of a write document with its JSON value.
type Field struct {
	Name  string
	Value json.RawMessage
}

// Fields returns the input's properties in ActivityFieldNames order, each as
// the JSON the write document carries (null for what is unset), the
// organisations and themes in canonical order. Equal inputs give equal
// bytes, so fields compare by their JSON.
func (in ActivityInput) Fields() []Field {
	vals := []any{in.Title, in.Description, nullInt(in.ProgrammeID), in.Status, nullDate(in.Start), nullDate(in.End),
		nullString(in.Budget), nullString(in.Currency), in.Visibility, nullString(in.IATIIdentifier),
		organisationDocs(sortedOrganisations(in.Organisations)), sortedThemes(in.Themes), locationDocs(in.Locations)}
	out := make([]Field, len(vals))
	for i, val := range vals {
		b, err := json.Marshal(val)
		if err != nil {
			// Only geometry could fail, and Validate has checked it.
			b = []byte("null")
		}
		out[i] = Field{Name: ActivityFieldNames[i], Value: b}
	}
	return out
}

// FieldChange is one changed property: its value before and after (JSON
// null for none, as when it is created).
type FieldChange struct {
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
}

// DiffFields returns the properties whose JSON differs between before and
// after (both in the same order, as Fields gives them); a nil before is a
// creation, where every property changes from null.
func DiffFields(before, after []Field) map[string]FieldChange {
	out := map[string]FieldChange{}
	for i, a := range after {
		b := json.RawMessage("null")
		if before != nil {
			b = before[i].Value
		}
		if string(b) != string(a.Value) {
			out[a.Name] = FieldChange{Before: b, After: a.Value}
		}
	}
	return out
}

type organisationDoc struct {
	ID   int64 `json:"id"`
	Role Role  `json:"role"`
}

type locationDoc struct {
	Kind        LocationKind      `json:"kind"`
	Precision   Precision         `json:"precision"`
	Name        string            `json:"name"`
	CountryCode *string           `json:"country_code"`
	PlaceID     *int64            `json:"place_id"`
	AdminArea   string            `json:"admin_area"`
	Geometry    *geojson.Geometry `json:"geometry"`
}

func organisationDocs(orgs []OrganisationRef) []organisationDoc {
	out := make([]organisationDoc, len(orgs))
	for i, o := range orgs {
		out[i] = organisationDoc(o)
	}
	return out
}

func locationDocs(locs []LocationInput) []locationDoc {
	out := make([]locationDoc, len(locs))
	for i, l := range locs {
		d := locationDoc{Kind: l.Kind, Precision: l.Precision, Name: l.Name, AdminArea: l.AdminArea,
			CountryCode: nullString(l.CountryCode), PlaceID: nullInt(l.PlaceID)}
		if l.Geometry != nil {
			d.Geometry = geojson.NewGeometry(l.Geometry)
		}
		out[i] = d
	}
	return out
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nullInt(n int64) *int64 {
	if n == 0 {
		return nil
	}
	return &n
}

func nullDate(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

// sortedThemes returns the theme codes sorted (never nil).
func sortedThemes(themes []string) []string {
	out := append([]string{}, themes...)
	slices.Sort(out)
	return out
}
