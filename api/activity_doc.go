package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/commonground/commonground/geo"
)

// The activity write document is a GeoJSON Feature whose properties are
// geo.ActivityFieldNames (README "Editing"). It is read strictly: every
// unknown or server-owned member is refused with its JSON pointer, every
// wrong type too, and all faults are reported at once.

// serverOwned are members the read side shows but only the server sets;
// naming them in a write is refused as such (no mass assignment).
var serverOwned = map[string]bool{
	"id": true, "version": true, "created_at": true, "updated_at": true, "demo": true, "programme_name": true,
	"programme_type": true, "lead_organisation_id": true, "lead_organisation": true, "lead_constituency": true,
	"countries": true, "precision": true, "location_count": true, "links": true, "deleted_at": true,
}

// docReader collects the faults of one document as it reads it.
type docReader struct {
	errs []geo.FieldError
}

func (r *docReader) fail(pointer, detail string) {
	r.errs = append(r.errs, geo.FieldError{Pointer: pointer, Detail: detail})
}

// object reads raw as a JSON object at pointer p, refusing members not in
// allowed; it returns nil (and records why) when raw is not an object.
func (r *docReader) object(raw json.RawMessage, p string, allowed []string) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	if isNull(raw) || json.Unmarshal(raw, &m) != nil || m == nil {
		r.fail(p, "must be a JSON object")
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if slices.Contains(allowed, k) {
			continue
		}
		at := p + "/" + escapePointer(k)
		if serverOwned[k] {
			r.fail(at, "is set by the server and may not be written")
		} else {
			r.fail(at, "unknown field")
		}
		delete(m, k)
	}
	return m
}

func escapePointer(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

// str reads a string (required: null is refused).
func (r *docReader) str(raw json.RawMessage, p string) string {
	var s string
	if isNull(raw) || json.Unmarshal(raw, &s) != nil {
		r.fail(p, "must be a string")
	}
	return s
}

// optStr reads a string or null ("" for null or absent).
func (r *docReader) optStr(raw json.RawMessage, p string) string {
	if isNull(raw) {
		return ""
	}
	return r.str(raw, p)
}

// optID reads a positive integer id or null (0).
func (r *docReader) optID(raw json.RawMessage, p string) int64 {
	if isNull(raw) {
		return 0
	}
	var n int64
	if json.Unmarshal(raw, &n) != nil || n <= 0 {
		r.fail(p, "must be a positive integer id")
		return 0
	}
	return n
}

// optDate reads YYYY-MM-DD or null.
func (r *docReader) optDate(raw json.RawMessage, p string) time.Time {
	s := r.optStr(raw, p)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		r.fail(p, "must be a date as YYYY-MM-DD")
	}
	return t
}

var decimalNumber = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// budget reads an amount written as a decimal string or a JSON number in
// plain decimal notation, or null.
func (r *docReader) budget(raw json.RawMessage, p string) string {
	if isNull(raw) {
		return ""
	}
	t := strings.TrimSpace(string(raw))
	if strings.HasPrefix(t, `"`) {
		t = r.str(raw, p)
	}
	if !decimalNumber.MatchString(t) {
		r.fail(p, "must be an amount such as 250000 or \"250000.00\", not negative")
		return ""
	}
	return t
}

// strings reads an array of strings.
func (r *docReader) strs(raw json.RawMessage, p string) []string {
	var out []string
	for i, e := range r.array(raw, p) {
		out = append(out, r.str(e, p+"/"+strconv.Itoa(i)))
	}
	return out
}

// array reads a JSON array (null is refused).
func (r *docReader) array(raw json.RawMessage, p string) []json.RawMessage {
	var a []json.RawMessage
	if isNull(raw) || json.Unmarshal(raw, &a) != nil {
		r.fail(p, "must be an array")
		return nil
	}
	return a
}

// geometry reads a GeoJSON geometry (null: nil).
func (r *docReader) geometry(raw json.RawMessage, p string) orb.Geometry {
	if isNull(raw) {
		return nil
	}
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil || g == nil || g.Geometry() == nil {
		r.fail(p, "must be a GeoJSON geometry (Point, MultiPoint, Polygon or MultiPolygon) with [longitude, latitude] coordinates")
		return nil
	}
	return g.Geometry()
}

// decodeActivityDocument reads a write document into a normalised,
// validated input; every fault is in the EInvalid error's Fields.
func decodeActivityDocument(raw []byte) (geo.ActivityInput, error) {
	var in geo.ActivityInput
	r := &docReader{}
	top := r.object(raw, "", []string{"type", "geometry", "properties"})
	if top == nil {
		return in, r.err()
	}
	if t, ok := top["type"]; !ok || r.str(t, "/type") != "Feature" {
		r.fail("/type", `must be "Feature"`)
	}
	props := r.object(top["properties"], "/properties", geo.ActivityFieldNames)
	if props == nil {
		return in, r.err()
	}
	const p = "/properties"
	in.Title = r.str(props["title"], p+"/title")
	in.Description = r.optStr(props["description"], p+"/description")
	in.ProgrammeID = r.optID(props["programme_id"], p+"/programme_id")
	in.Status = geo.Status(r.optStr(props["status"], p+"/status"))
	in.Start = r.optDate(props["start_date"], p+"/start_date")
	in.End = r.optDate(props["end_date"], p+"/end_date")
	in.Budget = r.budget(props["budget"], p+"/budget")
	in.Currency = r.optStr(props["currency"], p+"/currency")
	in.Visibility = geo.Visibility(r.optStr(props["visibility"], p+"/visibility"))
	in.IATIIdentifier = r.optStr(props["iati_identifier"], p+"/iati_identifier")
	if raw, ok := props["organisations"]; ok {
		in.Organisations = r.organisations(raw, p+"/organisations")
	}
	if raw, ok := props["themes"]; ok {
		in.Themes = r.strs(raw, p+"/themes")
	}
	if raw, ok := props["locations"]; ok {
		in.Locations = r.locations(raw, p+"/locations")
		if !isNull(top["geometry"]) {
			r.fail("/geometry", "give the locations in /properties/locations or as the geometry, not both")
		}
	} else {
		in.Locations = r.featureGeometry(top["geometry"], "/geometry")
	}
	if len(r.errs) > 0 {
		return in, r.err()
	}
	in.Normalise()
	return in, in.Validate()
}

func (r *docReader) err() error {
	return &geo.Error{Code: geo.EInvalid, Message: "invalid activity", Fields: r.errs}
}

func (r *docReader) organisations(raw json.RawMessage, p string) []geo.OrganisationRef {
	out := []geo.OrganisationRef{}
	for i, e := range r.array(raw, p) {
		at := p + "/" + strconv.Itoa(i)
		m := r.object(e, at, []string{"id", "role"})
		if m == nil {
			continue
		}
		id := r.optID(m["id"], at+"/id")
		if id == 0 {
			r.fail(at+"/id", "is required")
		}
		out = append(out, geo.OrganisationRef{ID: id, Role: geo.Role(r.str(m["role"], at+"/role"))})
	}
	return out
}

func (r *docReader) locations(raw json.RawMessage, p string) []geo.LocationInput {
	out := []geo.LocationInput{}
	for i, e := range r.array(raw, p) {
		at := p + "/" + strconv.Itoa(i)
		m := r.object(e, at, []string{"kind", "precision", "name", "country_code", "place_id", "admin_area", "geometry"})
		if m == nil {
			continue
		}
		out = append(out, geo.LocationInput{
			Kind:        geo.LocationKind(r.str(m["kind"], at+"/kind")),
			Precision:   geo.Precision(r.optStr(m["precision"], at+"/precision")),
			Name:        r.optStr(m["name"], at+"/name"),
			CountryCode: r.optStr(m["country_code"], at+"/country_code"),
			PlaceID:     r.optID(m["place_id"], at+"/place_id"),
			AdminArea:   r.optStr(m["admin_area"], at+"/admin_area"),
			Geometry:    r.geometry(m["geometry"], at+"/geometry"),
		})
	}
	return out
}

// featureGeometry turns a plain Feature's geometry (a client that knows
// GeoJSON but not our locations) into point and shape locations.
func (r *docReader) featureGeometry(raw json.RawMessage, p string) []geo.LocationInput {
	switch g := r.geometry(raw, p).(type) {
	case nil:
		return nil
	case orb.Point:
		return []geo.LocationInput{{Kind: geo.KindPoint, Geometry: g}}
	case orb.MultiPoint:
		out := make([]geo.LocationInput, len(g))
		for i, pt := range g {
			out[i] = geo.LocationInput{Kind: geo.KindPoint, Geometry: pt}
		}
		return out
	case orb.Polygon, orb.MultiPolygon:
		return []geo.LocationInput{{Kind: geo.KindShape, Geometry: g}}
	default:
		r.fail(p, "must be a Point, MultiPoint, Polygon or MultiPolygon")
		return nil
	}
}

// activityDocument is the write document of in: what GET
// /activities/{id}/document answers and PUT takes back.
func activityDocument(in geo.ActivityInput) json.RawMessage {
	b := []byte(`{"type":"Feature","geometry":null,"properties":{`)
	for i, f := range in.Fields() {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, f.Name)
		b = append(b, ':')
		b = append(b, f.Value...)
	}
	return append(b, "}}"...)
}

// readBody reads the whole request body (limitBody caps it).
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, bodyError("", "a JSON body is required")
	}
	b, err := io.ReadAll(r.Body)
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		return nil, bodyError("", "the body is too large")
	}
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, bodyError("", "a JSON body is required")
	}
	if !json.Valid(b) {
		return nil, bodyError("", "malformed JSON")
	}
	return b, nil
}

// mergePatch applies an RFC 7396 JSON Merge Patch to target: members of an
// object patch replace (null deletes) recursively; anything else replaces
// the target whole.
func mergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
			continue
		}
		t[k] = mergePatch(t[k], v)
	}
	return t
}

// patchDocument merges patch into the document doc and returns the merged
// document's bytes.
func patchDocument(doc json.RawMessage, patch []byte) ([]byte, error) {
	var target, p any
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&target); err != nil {
		return nil, err
	}
	dec = json.NewDecoder(bytes.NewReader(patch))
	dec.UseNumber()
	if err := dec.Decode(&p); err != nil {
		return nil, bodyError("", "malformed JSON")
	}
	if _, ok := p.(map[string]any); !ok {
		return nil, bodyError("", "a merge patch of an activity must be a JSON object")
	}
	return json.Marshal(mergePatch(target, p))
}
