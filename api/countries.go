package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb/geojson"

	"github.com/commonground/commonground/geo"
)

// Paging limits of the countries collection.
const (
	countriesDefaultLimit = 300
	countriesMaxLimit     = 1000
)

// featureCollection is an OGC API - Features items response.
type featureCollection struct {
	Type           string             `json:"type"`
	Features       []*geojson.Feature `json:"features"`
	NumberMatched  int64              `json:"numberMatched"`
	NumberReturned int                `json:"numberReturned"`
	Links          []link             `json:"links"`
}

type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// countryItems serves /collections/countries/items: the country outlines
// with their codes and UN regions, paged with limit and offset.
func (s *server) countryItems(c *gin.Context) error {
	q, err := parseQuery(c)
	if err != nil {
		return err
	}
	limit, offset, err := parsePage(q, countriesDefaultLimit, countriesMaxLimit)
	if err != nil {
		return err
	}
	countries, total, err := s.store.Countries(c.Request.Context(), limit, offset)
	if err != nil {
		return err
	}
	fc := featureCollection{Type: "FeatureCollection", Features: make([]*geojson.Feature, 0, len(countries)),
		NumberMatched: total, NumberReturned: len(countries)}
	for _, ct := range countries {
		f := geojson.NewFeature(ct.Geometry)
		f.ID = ct.ID
		f.Properties = geojson.Properties{
			"iso_a2": ct.ISOA2, "iso_a3": ct.ISOA3, "iso_numeric": ct.ISONumeric, "name": ct.Name,
			"region_code": ct.RegionCode, "sub_region_code": ct.SubRegionCode,
			"intermediate_region_code": ct.IntermediateRegionCode,
		}
		fc.Features = append(fc.Features, f)
	}
	fc.Links = pageLinks(c, limit, offset, total)
	c.Header("Content-Type", "application/geo+json")
	c.Status(http.StatusOK)
	return jsonEncode(c.Writer, fc)
}

// parseQuery parses the raw query strictly: a malformed one (a stray ';'
// or bad %-escape) is refused rather than partly ignored.
func parseQuery(c *gin.Context) (url.Values, error) {
	q, err := url.ParseQuery(c.Request.URL.RawQuery)
	if err != nil {
		return nil, &geo.Error{Code: geo.EInvalid, Message: "malformed query string",
			Fields: []geo.FieldError{{Parameter: firstKey(c.Request.URL.RawQuery), Detail: err.Error()}}}
	}
	return q, nil
}

// firstKey names the parameter at fault in a malformed query: the first
// pair that does not parse on its own.
func firstKey(raw string) string {
	for _, pair := range strings.FieldsFunc(raw, func(r rune) bool { return r == '&' }) {
		if _, err := url.ParseQuery(pair); err != nil {
			key, _, _ := strings.Cut(pair, "=")
			return key
		}
	}
	return ""
}

// parsePage reads limit and offset and refuses any other parameter. A limit
// above max is clamped to max, as OGC API - Features allows.
func parsePage(q url.Values, def, max int) (limit, offset int, err error) {
	limit = def
	var fields []geo.FieldError
	for name, vals := range q {
		v := vals[len(vals)-1]
		switch name {
		case "limit":
			n, perr := strconv.Atoi(v)
			if perr != nil || n < 1 {
				fields = append(fields, geo.FieldError{Parameter: name, Detail: "must be a whole number of at least 1"})
				continue
			}
			limit = min(n, max)
		case "offset":
			n, perr := strconv.Atoi(v)
			if perr != nil || n < 0 || n > 1_000_000 {
				fields = append(fields, geo.FieldError{Parameter: name, Detail: "must be a whole number from 0 to 1000000"})
				continue
			}
			offset = n
		case "f":
			if v != "json" && v != "geojson" {
				fields = append(fields, geo.FieldError{Parameter: name, Detail: "must be json or geojson"})
			}
		default:
			fields = append(fields, geo.FieldError{Parameter: name, Detail: "unknown parameter"})
		}
	}
	if len(fields) > 0 {
		return 0, 0, &geo.Error{Code: geo.EInvalid, Message: "invalid query parameters", Fields: fields}
	}
	return limit, offset, nil
}

// pageLinks returns absolute self and next/prev links that keep the query.
func pageLinks(c *gin.Context, limit, offset int, total int64) []link {
	base := baseURL(c.Request) + c.Request.URL.Path
	at := func(off int) string {
		q := c.Request.URL.Query()
		q.Set("limit", strconv.Itoa(limit))
		q.Set("offset", strconv.Itoa(off))
		return base + "?" + q.Encode()
	}
	links := []link{{Href: at(offset), Rel: "self", Type: "application/geo+json"}}
	if int64(offset+limit) < total {
		links = append(links, link{Href: at(offset + limit), Rel: "next", Type: "application/geo+json"})
	}
	if offset > 0 {
		links = append(links, link{Href: at(max(0, offset-limit)), Rel: "prev", Type: "application/geo+json"})
	}
	return links
}

// baseURL is the scheme and host the client used.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
