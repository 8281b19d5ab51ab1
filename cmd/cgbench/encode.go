package main

import (
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// A hand-rolled GeoJSON encoder for B2: the same Feature the server's SQL
// builds (same keys and values; key order and spacing differ), appended to
// one buffer without reflection.

// precisionRank orders precisions from best to worst, as the server's
// array_position does.
var precisionRank = map[string]int{"exact": 0, "approximate": 1, "city": 2, "admin_area": 3, "country": 4}

func appendCollection(b []byte, matched int64, page []b2Activity) []byte {
	b = append(b, `{"type":"FeatureCollection","numberMatched":`...)
	b = strconv.AppendInt(b, matched, 10)
	b = append(b, `,"numberReturned":`...)
	b = strconv.AppendInt(b, int64(len(page)), 10)
	b = append(b, `,"features":[`...)
	for i := range page {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendFeature(b, &page[i])
	}
	return append(b, "]}\n"...)
}

func appendFeature(b []byte, a *b2Activity) []byte {
	b = append(b, `{"type":"Feature","id":`...)
	b = strconv.AppendInt(b, a.id, 10)
	b = append(b, `,"geometry":`...)
	if len(a.locs) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"type":"MultiPoint","coordinates":[`...)
		for i, l := range a.locs {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			b = appendCoord(b, l.point[0])
			b = append(b, ',')
			b = appendCoord(b, l.point[1])
			b = append(b, ']')
		}
		b = append(b, "]}"...)
	}
	b = append(b, `,"properties":`...)
	b = appendProperties(b, a)
	return append(b, '}')
}

func appendProperties(b []byte, a *b2Activity) []byte {
	b = appendKey(b, "{", "iati_identifier")
	b = appendNullString(b, a.iati)
	b = appendKey(b, ",", "title")
	b = appendString(b, a.title)
	b = appendKey(b, ",", "description")
	b = appendString(b, a.description)
	b = appendKey(b, ",", "status")
	b = appendString(b, a.status)
	b = appendKey(b, ",", "start_date")
	b = appendDate(b, a.start)
	b = appendKey(b, ",", "end_date")
	b = appendDate(b, a.end)
	b = appendKey(b, ",", "budget")
	b = appendRaw(b, a.budget)
	b = appendKey(b, ",", "currency")
	b = appendNullString(b, a.currency)
	b = appendKey(b, ",", "visibility")
	b = appendString(b, a.vis)
	b = appendKey(b, ",", "programme_id")
	b = appendNullInt(b, a.programmeID)
	b = appendKey(b, ",", "programme_name")
	b = appendNullString(b, a.programme)
	b = appendKey(b, ",", "programme_type")
	b = appendNullString(b, a.programmeType)
	b = appendOrgs(b, a.orgs)
	b = appendKey(b, ",", "themes")
	b = appendStrings(b, a.themes)
	b = appendLocations(b, a.locs)
	b = appendKey(b, ",", "demo")
	b = strconv.AppendBool(b, a.demo)
	b = appendKey(b, ",", "updated_at")
	b = append(b, '"')
	b = a.updated.AppendFormat(b, "2006-01-02T15:04:05.999999-07:00")
	return append(b, `"}`...)
}

// appendOrgs writes the lead organisation's three properties and the list.
func appendOrgs(b []byte, orgs []b2Org) []byte {
	var lead *b2Org
	for i := range orgs {
		if orgs[i].role == "lead" {
			lead = &orgs[i]
			break
		}
	}
	if lead == nil {
		b = append(b, `,"lead_organisation_id":null,"lead_organisation":null,"lead_constituency":null`...)
	} else {
		b = appendKey(b, ",", "lead_organisation_id")
		b = strconv.AppendInt(b, lead.id, 10)
		b = appendKey(b, ",", "lead_organisation")
		b = appendString(b, lead.name)
		b = appendKey(b, ",", "lead_constituency")
		b = appendString(b, lead.constituency)
	}
	b = appendKey(b, ",", "organisations")
	b = append(b, '[')
	for i, o := range orgs {
		b = appendKey(b, sep(i), "id")
		b = strconv.AppendInt(b, o.id, 10)
		b = appendKey(b, ",", "slug")
		b = appendString(b, o.slug)
		b = appendKey(b, ",", "name")
		b = appendString(b, o.name)
		b = appendKey(b, ",", "role")
		b = appendString(b, o.role)
		b = appendKey(b, ",", "constituency")
		b = appendString(b, o.constituency)
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendLocations writes countries, precision, location_count and the
// locations list.
func appendLocations(b []byte, locs []b2Location) []byte {
	var countries []string
	best := ""
	for _, l := range locs {
		if l.country != nil && !slices.Contains(countries, *l.country) {
			countries = append(countries, *l.country)
		}
		if best == "" || precisionRank[l.precision] < precisionRank[best] {
			best = l.precision
		}
	}
	slices.Sort(countries)
	b = appendKey(b, ",", "countries")
	b = appendStrings(b, countries)
	b = appendKey(b, ",", "precision")
	if best == "" {
		b = append(b, "null"...)
	} else {
		b = appendString(b, best)
	}
	b = appendKey(b, ",", "location_count")
	b = strconv.AppendInt(b, int64(len(locs)), 10)
	b = appendKey(b, ",", "locations")
	b = append(b, '[')
	for i, l := range locs {
		b = appendKey(b, sep(i), "kind")
		b = appendString(b, l.kind)
		b = appendKey(b, ",", "precision")
		b = appendString(b, l.precision)
		b = appendKey(b, ",", "name")
		b = appendString(b, l.name)
		b = appendKey(b, ",", "country_code")
		b = appendNullString(b, l.country)
		b = appendKey(b, ",", "place_id")
		b = appendNullInt(b, l.placeID)
		b = append(b, '}')
	}
	return append(b, ']')
}

// sep is what goes before element i of a list of objects.
func sep(i int) string {
	if i == 0 {
		return "{"
	}
	return ",{"
}

// appendKey writes before, then "key":.
func appendKey(b []byte, before, key string) []byte {
	b = append(b, before...)
	b = append(b, '"')
	b = append(b, key...)
	return append(b, `":`...)
}

func appendCoord(b []byte, v float64) []byte {
	return strconv.AppendFloat(b, math.Round(v*1e6)/1e6, 'f', -1, 64)
}

func appendDate(b []byte, t *time.Time) []byte {
	if t == nil {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = t.AppendFormat(b, "2006-01-02")
	return append(b, '"')
}

func appendRaw(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return append(b, *s...)
}

func appendNullInt(b []byte, v *int64) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, *v, 10)
}

func appendNullString(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendString(b, *s)
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

// appendString writes s as a JSON string: quotes, backslashes and control
// characters escaped, other UTF-8 as is (invalid bytes become U+FFFD).
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		case c < utf8.RuneSelf:
			b = append(b, c)
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+n]...)
			}
			i += n
			continue
		}
		i++
	}
	return append(b, '"')
}
