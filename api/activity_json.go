package api

import (
	"context"
	"encoding/json"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/commonground/commonground/geo"
)

// activityProperties lists the activity properties in the order features
// carry them.
var activityProperties = []string{"iati_identifier", "title", "description", "status", "start_date", "end_date",
	"budget", "currency", "visibility", "programme_id", "programme_name", "programme_type", "lead_organisation_id",
	"lead_organisation", "lead_constituency", "organisations", "themes", "countries", "precision", "location_count",
	"locations", "demo", "updated_at"}

// appendActivity appends a as a GeoJSON Feature: the MultiPoint of its
// locations' points, and its properties (only those in keep, when keep is
// not nil). Encoding by hand from typed rows measured twice as fast as
// PostGIS building the JSON (BENCHMARKS.md).
func appendActivity(b []byte, a geo.ActivityView, keep map[string]bool) []byte {
	b = append(b, `{"type":"Feature","id":`...)
	b = strconv.AppendInt(b, a.ID, 10)
	b = append(b, `,"geometry":`...)
	if len(a.Locations) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"type":"MultiPoint","coordinates":[`...)
		for i, l := range a.Locations {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			b = appendCoord(b, l.Point[0])
			b = append(b, ',')
			b = appendCoord(b, l.Point[1])
			b = append(b, ']')
		}
		b = append(b, "]}"...)
	}
	b = append(b, `,"properties":{`...)
	first := true
	for _, name := range activityProperties {
		if keep != nil && !keep[name] {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendString(b, name)
		b = append(b, ':')
		b = appendActivityProperty(b, a, name)
	}
	return append(b, "}}"...)
}

// AppendActivityFeature appends a to b as the GeoJSON Feature the items
// endpoint sends for it, every property included, and returns the extended
// slice. It is the server's own encoder, exported for cmd/cgbench: its B2
// baseline (the rows read raw, encoded in Go) encodes with it rather than
// with a copy.
func AppendActivityFeature(b []byte, a geo.ActivityView) []byte {
	return appendActivity(b, a, nil)
}

func appendActivityProperty(b []byte, a geo.ActivityView, name string) []byte {
	lead, hasLead := a.Lead()
	switch name {
	case "iati_identifier":
		return appendNullableString(b, a.IATIIdentifier)
	case "title":
		return appendString(b, a.Title)
	case "description":
		return appendString(b, a.Description)
	case "status":
		return appendString(b, string(a.Status))
	case "start_date":
		return appendDate(b, a.Start)
	case "end_date":
		return appendDate(b, a.End)
	case "budget":
		if a.Budget == "" {
			return append(b, "null"...)
		}
		return append(b, a.Budget...) // exact decimal text from numeric
	case "currency":
		return appendNullableString(b, a.Currency)
	case "visibility":
		return appendString(b, string(a.Visibility))
	case "programme_id":
		return appendNullableInt(b, a.ProgrammeID)
	case "programme_name":
		return appendNullableString(b, a.ProgrammeName)
	case "programme_type":
		return appendNullableString(b, string(a.ProgrammeType))
	case "lead_organisation_id":
		return appendNullableInt(b, lead.ID)
	case "lead_organisation":
		return appendNullableString(b, lead.Name)
	case "lead_constituency":
		if !hasLead {
			return append(b, "null"...)
		}
		return appendString(b, string(lead.Constituency))
	case "organisations":
		return appendOrganisations(b, a.Organisations)
	case "themes":
		return appendStrings(b, a.Themes)
	case "countries":
		return appendStrings(b, a.Countries())
	case "precision":
		return appendNullableString(b, string(a.BestPrecision()))
	case "location_count":
		return strconv.AppendInt(b, int64(len(a.Locations)), 10)
	case "locations":
		return appendLocations(b, a.Locations)
	case "demo":
		return strconv.AppendBool(b, a.Demo)
	case "updated_at":
		return appendString(b, a.UpdatedAt.UTC().Format("2006-01-02T15:04:05.999999Z07:00"))
	}
	return append(b, "null"...)
}

func appendOrganisations(b []byte, orgs []geo.OrganisationRole) []byte {
	b = append(b, '[')
	for i, o := range orgs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b = strconv.AppendInt(b, o.ID, 10)
		b = append(b, `,"slug":`...)
		b = appendString(b, o.Slug)
		b = append(b, `,"name":`...)
		b = appendString(b, o.Name)
		b = append(b, `,"role":`...)
		b = appendString(b, string(o.Role))
		b = append(b, `,"constituency":`...)
		b = appendString(b, string(o.Constituency))
		b = append(b, '}')
	}
	return append(b, ']')
}

func appendLocations(b []byte, locs []geo.LocationView) []byte {
	b = append(b, '[')
	for i, l := range locs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"kind":`...)
		b = appendString(b, string(l.Kind))
		b = append(b, `,"precision":`...)
		b = appendString(b, string(l.Precision))
		b = append(b, `,"name":`...)
		b = appendString(b, l.Name)
		b = append(b, `,"country_code":`...)
		b = appendNullableString(b, l.CountryCode)
		b = append(b, `,"place_id":`...)
		b = appendNullableInt(b, l.PlaceID)
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendCoord writes a coordinate rounded to 6 decimals (about 10 cm).
func appendCoord(b []byte, v float64) []byte {
	return strconv.AppendFloat(b, math.Round(v*1e6)/1e6, 'f', -1, 64)
}

func appendDate(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	return appendString(b, t.Format("2006-01-02"))
}

func appendNullableString(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return appendString(b, s)
}

func appendNullableInt(b []byte, n int64) []byte {
	if n == 0 {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, n, 10)
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string: quotes, backslashes and control
// characters escaped, invalid UTF-8 replaced, U+2028/U+2029 escaped for
// JavaScript's sake.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// keepSet turns a properties selection into a set; nil keeps everything.
func keepSet(props []string) map[string]bool {
	if props == nil {
		return nil
	}
	keep := make(map[string]bool, len(props))
	for _, p := range props {
		keep[p] = true
	}
	return keep
}

// activityFeatures adapts the store's activity rows to the collection
// interface: one encoded Feature each.
func activityFeatures(s Store, ctx context.Context, v geo.Viewer, f geo.ActivityFilter, p geo.Page) (geo.FeaturePage, error) {
	page, err := s.ActivityPage(ctx, v, f, p)
	if err != nil {
		return geo.FeaturePage{}, err
	}
	keep := keepSet(p.Properties)
	out := geo.FeaturePage{NumberMatched: page.NumberMatched, Features: make([]json.RawMessage, len(page.Activities))}
	for i, a := range page.Activities {
		out.Features[i] = appendActivity(nil, a, keep)
	}
	return out, nil
}
