package api

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
)

// Paging limits of every items endpoint.
const (
	defaultLimit = 100
	maxLimit     = 1000
	maxOffset    = 1_000_000
	maxParamLen  = 4000
)

// Parameter sets: each endpoint accepts exactly its set; anything else is a
// 400 naming the parameter, as OGC API - Features asks.
var (
	filterParams = []string{"bbox", "bbox-crs", "datetime", "organisation", "constituency", "programme",
		"programme_type", "theme", "status", "country", "region", "budget_min", "budget_max", "budget_currency",
		"q", "filter", "filter-lang", "filter-crs"}
	pageParams = []string{"limit", "offset", "properties", "sortby", "f"}
)

// params is a parsed query string with the set of names its endpoint takes.
type params struct {
	q    url.Values
	errs []geo.FieldError
	// cqlErr is what is wrong with the CQL2 of the filter parameter (a
	// *geo.Error naming it, with the position); err reports it when the
	// other parameters are fine.
	cqlErr error
}

// parseParams parses the raw query strictly, refusing names outside
// allowed, values that are too long and malformed escapes.
func parseParams(c *gin.Context, allowed ...[]string) (*params, error) {
	q, err := parseQuery(c)
	if err != nil {
		return nil, err
	}
	p := &params{q: q}
	for name, vals := range q {
		if !slices.ContainsFunc(allowed, func(set []string) bool { return slices.Contains(set, name) }) {
			p.bad(name, "unknown parameter")
			continue
		}
		for _, v := range vals {
			if len(v) > maxParamLen {
				p.bad(name, fmt.Sprintf("longer than %d characters", maxParamLen))
			}
		}
	}
	return p, nil
}

// parseQuery parses the raw query string strictly: a malformed one (a stray
// ';' or bad %-escape) is refused rather than partly ignored.
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
	for _, pair := range strings.Split(raw, "&") {
		if _, err := url.ParseQuery(pair); err != nil {
			key, _, _ := strings.Cut(pair, "=")
			return key
		}
	}
	return ""
}

func (p *params) bad(name, detail string) {
	p.errs = append(p.errs, geo.FieldError{Parameter: name, Detail: detail})
}

// err returns the collected problems as one EInvalid error or, when there
// are none, the filter's own error (nil when it is fine).
func (p *params) err() error {
	if len(p.errs) == 0 {
		return p.cqlErr
	}
	slices.SortFunc(p.errs, func(a, b geo.FieldError) int { return strings.Compare(a.Parameter, b.Parameter) })
	return &geo.Error{Code: geo.EInvalid, Message: "invalid query parameters", Fields: p.errs}
}

// list returns the values of a repeatable, comma-separated parameter.
func (p *params) list(name string) []string {
	var out []string
	for _, v := range p.q[name] {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	if len(out) > geo.MaxFilterValues {
		p.bad(name, fmt.Sprintf("more than %d values", geo.MaxFilterValues))
		return nil
	}
	return out
}

// one returns the single value of name ("" when absent).
func (p *params) one(name string) string {
	vals := p.q[name]
	if len(vals) > 1 {
		p.bad(name, "given more than once")
	}
	if len(vals) == 0 {
		return ""
	}
	return strings.TrimSpace(vals[0])
}

func (p *params) ids(name string) []int64 {
	var out []int64
	for _, v := range p.list(name) {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			p.bad(name, fmt.Sprintf("%q is not an id", v))
			continue
		}
		out = append(out, n)
	}
	return out
}

func (p *params) number(name string) *float64 {
	v := p.one(name)
	if v == "" {
		return nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		p.bad(name, fmt.Sprintf("%q is not a number", v))
		return nil
	}
	return &f // the range is geo.ActivityFilter.Validate's to check
}

// boolean returns a true/false parameter (false when absent).
func (p *params) boolean(name string) bool {
	v := p.one(name)
	if v == "" {
		return false
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.bad(name, "must be true or false")
	}
	return b
}

var propertyName = regexp.MustCompile(`^[a-z_]{1,40}$`)

// viewerOf is who the request is for, as authenticate decided it: the
// signed-in user (limited to a token's scope), else anonymous.
func viewerOf(c *gin.Context) geo.Viewer {
	if a := authOf(c); a != nil {
		return a.user.Viewer(a.scope)
	}
	return geo.Viewer{}
}

// format is the representation a request asks for: f wins over Accept.
func format(c *gin.Context, p *params, allowed ...string) string {
	f := p.one("f")
	if f == "" {
		switch c.NegotiateFormat(mediaGeoJSON, gin.MIMEJSON, "text/csv") {
		case "text/csv":
			f = "csv"
		default:
			f = "json"
		}
	}
	if f == "geojson" {
		f = "json"
	}
	for _, a := range allowed {
		if f == a {
			return f
		}
	}
	p.bad("f", "must be one of "+joinComma(allowed))
	return ""
}

func joinComma(list []string) string { return strings.Join(list, ", ") }
