package api

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/cql2"
)

// activityFilter parses the domain filter parameters shared by items,
// exports and stats (and, later, tiles and overlaps) into one
// geo.ActivityFilter.
func (p *params) activityFilter() geo.ActivityFilter {
	var f geo.ActivityFilter
	if v := p.one("bbox"); v != "" {
		b, err := geo.ParseBBox(v)
		if err != nil {
			p.bad("bbox", err.Error())
		} else {
			f.BBox = &b
		}
	}
	if crs := p.one("bbox-crs"); crs != "" && !isCRS84(crs) {
		p.bad("bbox-crs", "only CRS84 (http://www.opengis.net/def/crs/OGC/1.3/CRS84) is supported")
	}
	if v := p.one("datetime"); v != "" {
		iv, err := geo.ParseDatetime(v)
		if err != nil {
			p.bad("datetime", err.Error())
		} else {
			f.Datetime = &iv
		}
	}
	f.Organisations = p.ids("organisation")
	f.Programmes = p.ids("programme")
	f.Constituencies = vocab[geo.Constituency](p.list("constituency"))
	f.ProgrammeTypes = vocab[geo.ProgrammeType](p.list("programme_type"))
	f.Statuses = vocab[geo.Status](p.list("status"))
	f.Themes = p.list("theme")
	f.Countries = upper(p.list("country"))
	f.Regions = p.list("region")
	f.BudgetMin = p.number("budget_min")
	f.BudgetMax = p.number("budget_max")
	f.BudgetCurrency = strings.ToUpper(p.one("budget_currency"))
	f.Q = p.one("q")
	p.cql(&f)
	// The domain's own check: vocabularies, code shapes, ranges, lengths.
	var ge *geo.Error
	if errors.As(f.Validate(), &ge) {
		p.errs = append(p.errs, ge.Fields...)
	}
	return f
}

func vocab[T ~string](vals []string) []T {
	out := make([]T, len(vals))
	for i, v := range vals {
		out[i] = T(v)
	}
	return out
}

func upper(vals []string) []string {
	for i, v := range vals {
		vals[i] = strings.ToUpper(v)
	}
	return vals
}

// cql reads filter and filter-lang: CQL2 text, also under the older name
// cql-text that GDAL sends. The filter is parsed and checked against the
// activity queryables here, so a bad one is refused before any store call.
func (p *params) cql(f *geo.ActivityFilter) {
	f.CQL = p.one("filter")
	switch lang := p.one("filter-lang"); lang {
	case "", "cql2-text", "cql-text":
	default:
		p.bad("filter-lang", fmt.Sprintf("%q is not supported (cql2-text)", lang))
	}
	if crs := p.one("filter-crs"); crs != "" && !isCRS84(crs) {
		p.bad("filter-crs", "only CRS84 is supported")
	}
	if f.CQL != "" {
		p.cqlErr = checkCQL(f.CQL)
	}
}

// cqlLimits are the store's (geo.MaxCQL...): a filter this layer accepts
// is one the store compiles.
var cqlLimits = cql2.Limits{MaxLength: geo.MaxCQLLength, MaxDepth: geo.MaxCQLDepth, MaxNodes: geo.MaxCQLNodes}

// checkCQL parses a CQL2 text filter and type-checks its properties against
// geo.ActivityQueryables. Its error is a *geo.Error (EInvalid) naming the
// filter parameter.
func checkCQL(text string) error {
	e, err := cql2.Parse(text, cqlLimits)
	if err != nil {
		return err
	}
	return cql2.Check(e, geo.ActivityQueryables())
}

func isCRS84(crs string) bool {
	return crs == "http://www.opengis.net/def/crs/OGC/1.3/CRS84" || crs == "[OGC:CRS84]" || crs == "CRS84" ||
		crs == "http://www.opengis.net/def/crs/EPSG/0/4326"
}

// pageOf parses limit, offset, properties and sortby. Above maxLimit the
// limit is clamped, as OGC API - Features allows.
func (p *params) pageOf(sortable []string) geo.Page {
	pg := geo.Page{Limit: defaultLimit}
	if v := p.one("limit"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil && strings.Trim(v, "0123456789") == "" && v != "":
			pg.Limit = maxLimit // a huge whole number
		case err != nil || n < 1:
			p.bad("limit", "must be a whole number of at least 1")
		default:
			pg.Limit = min(n, maxLimit)
		}
	}
	if v := p.one("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxOffset {
			p.bad("offset", fmt.Sprintf("must be a whole number from 0 to %d", maxOffset))
		} else {
			pg.Offset = n
		}
	}
	if _, ok := p.q["properties"]; ok {
		pg.Properties = []string{}
		for _, name := range p.list("properties") {
			if !propertyName.MatchString(name) {
				p.bad("properties", fmt.Sprintf("%q is not a property name", name))
				continue
			}
			pg.Properties = append(pg.Properties, name)
		}
	}
	for _, key := range p.list("sortby") {
		sk := geo.SortKey{Property: strings.TrimLeft(key, "+-")}
		sk.Desc = strings.HasPrefix(key, "-")
		if !slices.Contains(sortable, sk.Property) {
			p.bad("sortby", fmt.Sprintf("cannot sort by %q (one of %v)", sk.Property, sortable))
			continue
		}
		pg.SortBy = append(pg.SortBy, sk)
	}
	return pg
}
