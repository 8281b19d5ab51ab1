package api

import (
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
)

// parseItems parses a query as the activities items endpoint does.
func parseItems(raw string) (geo.ActivityFilter, geo.Page, error) {
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest("GET", "/collections/activities/items", nil)
	c.Request.URL.RawQuery = raw
	p, err := parseParams(c, filterParams, pageParams)
	if err != nil {
		return geo.ActivityFilter{}, geo.Page{}, err
	}
	f := p.activityFilter()
	pg := p.pageOf(geo.ActivitySortable)
	return f, pg, p.err()
}

func TestParseGood(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	tests := []struct {
		name  string
		query string
		check func(f geo.ActivityFilter, p geo.Page) bool
	}{
		{"defaults", "", func(f geo.ActivityFilter, p geo.Page) bool {
			return p.Limit == defaultLimit && p.Offset == 0 && f.BBox == nil && p.Properties == nil
		}},
		{"bbox", "bbox=36.6,-1.45,37.1,-1.15", func(f geo.ActivityFilter, _ geo.Page) bool {
			return f.BBox != nil && f.BBox.MinLon == 36.6 && len(f.BBox.Bounds()) == 1
		}},
		{"bbox across the antimeridian", "bbox=170,-20,-170,-10", func(f geo.ActivityFilter, _ geo.Page) bool {
			return f.BBox != nil && len(f.BBox.Bounds()) == 2
		}},
		{"3D bbox", "bbox=1,2,0,3,4,100", func(f geo.ActivityFilter, _ geo.Page) bool {
			return f.BBox != nil && f.BBox.MaxLon == 3 && f.BBox.MaxLat == 4
		}},
		{"datetime instant", "datetime=2024-05-01", func(f geo.ActivityFilter, _ geo.Page) bool {
			return f.Datetime.Start.Equal(day("2024-05-01")) && f.Datetime.End.After(f.Datetime.Start)
		}},
		{"datetime closed", "datetime=2020-01-01/2021-12-31", func(f geo.ActivityFilter, _ geo.Page) bool {
			return f.Datetime.Start.Equal(day("2020-01-01")) && f.Datetime.End.After(day("2021-12-31"))
		}},
		{"datetime open start", "datetime=../2021-12-31", func(f geo.ActivityFilter, _ geo.Page) bool {
			return f.Datetime.Start.IsZero() && !f.Datetime.End.IsZero()
		}},
		{"datetime open end", "datetime=2021-01-01T00:00:00Z/..", func(f geo.ActivityFilter, _ geo.Page) bool {
			return !f.Datetime.Start.IsZero() && f.Datetime.End.IsZero()
		}},
		{"lists, repeated and comma-separated", "theme=resilience,gender&theme=youth_jobs&country=ke,UG&status=closed",
			func(f geo.ActivityFilter, _ geo.Page) bool {
				return len(f.Themes) == 3 && f.Countries[0] == "KE" && f.Countries[1] == "UG" && f.Statuses[0] == geo.StatusClosed
			}},
		{"ids", "organisation=3,4&programme=7", func(f geo.ActivityFilter, _ geo.Page) bool {
			return len(f.Organisations) == 2 && f.Programmes[0] == 7
		}},
		{"vocabularies", "constituency=foundation&programme_type=catalytic_fund&region=002", func(f geo.ActivityFilter, _ geo.Page) bool {
			return f.Constituencies[0] == geo.Foundation && f.ProgrammeTypes[0] == geo.CatalyticFund && f.Regions[0] == "002"
		}},
		{"budget range", "budget_min=1000&budget_max=2e6&budget_currency=eur", func(f geo.ActivityFilter, _ geo.Page) bool {
			return *f.BudgetMin == 1000 && *f.BudgetMax == 2e6 && f.BudgetCurrency == "EUR"
		}},
		{"SQL-looking text is just text", "q=x'%3B%20DROP%20TABLE%20activities%3B--", func(f geo.ActivityFilter, _ geo.Page) bool {
			return f.Q == "x'; DROP TABLE activities;--"
		}},
		{"limit clamped", "limit=5000", func(_ geo.ActivityFilter, p geo.Page) bool { return p.Limit == maxLimit }},
		{"huge limit clamped", "limit=99999999999999999999999", func(_ geo.ActivityFilter, p geo.Page) bool { return p.Limit == maxLimit }},
		{"offset", "offset=200", func(_ geo.ActivityFilter, p geo.Page) bool { return p.Offset == 200 }},
		{"properties", "properties=title,status", func(_ geo.ActivityFilter, p geo.Page) bool { return len(p.Properties) == 2 }},
		{"empty properties", "properties=", func(_ geo.ActivityFilter, p geo.Page) bool { return p.Properties != nil && len(p.Properties) == 0 }},
		{"sortby", "sortby=-start_date,title", func(_ geo.ActivityFilter, p geo.Page) bool {
			return len(p.SortBy) == 2 && p.SortBy[0].Desc && p.SortBy[0].Property == "start_date" && !p.SortBy[1].Desc
		}},
		{"sortby with +", "sortby=%2Bbudget", func(_ geo.ActivityFilter, p geo.Page) bool {
			return !p.SortBy[0].Desc && p.SortBy[0].Property == "budget"
		}},
		{"cql2", "filter=status%3D'closed'&filter-lang=cql2-text", func(f geo.ActivityFilter, _ geo.Page) bool { return f.CQL == "status='closed'" }},
		{"GDAL's cql-text", "filter=status%3D'closed'&filter-lang=cql-text", func(f geo.ActivityFilter, _ geo.Page) bool { return f.CQL != "" }},
		{"format", "f=json", func(geo.ActivityFilter, geo.Page) bool { return true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, p, err := parseItems(tt.query)
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !tt.check(f, p) {
				t.Errorf("parsed %+v %+v", f, p)
			}
		})
	}
}

func TestParseBad(t *testing.T) {
	tests := []struct{ name, query, param string }{
		{"unknown parameter", "colour=red", "colour"},
		{"bbox with 3 numbers", "bbox=1,2,3", "bbox"},
		{"bbox not numbers", "bbox=a,b,c,d", "bbox"},
		{"bbox latitude 95", "bbox=0,0,10,95", "bbox"},
		{"bbox longitude 200", "bbox=0,0,200,10", "bbox"},
		{"bbox min lat above max", "bbox=0,10,10,0", "bbox"},
		{"bbox NaN", "bbox=NaN,0,1,1", "bbox"},
		{"bbox in another CRS", "bbox=0,0,1,1&bbox-crs=EPSG:3857", "bbox-crs"},
		{"datetime garbage", "datetime=yesterday", "datetime"},
		{"datetime both ends open", "datetime=../..", "datetime"},
		{"datetime reversed", "datetime=2022-01-01/2021-01-01", "datetime"},
		{"limit zero", "limit=0", "limit"},
		{"limit negative", "limit=-1", "limit"},
		{"limit not a number", "limit=ten", "limit"},
		{"offset negative", "offset=-10", "offset"},
		{"offset huge", "offset=99999999999", "offset"},
		{"unknown status", "status=finished", "status"},
		{"unknown constituency", "constituency=club", "constituency"},
		{"bad theme", "theme=Resilience!", "theme"},
		{"bad country", "country=KEN", "country"},
		{"bad region", "region=Africa", "region"},
		{"bad id", "organisation=abc", "organisation"},
		{"zero id", "programme=0", "programme"},
		{"negative budget", "budget_min=-5", "budget_min"},
		{"budget min above max", "budget_min=10&budget_max=5", "budget_min"},
		{"bad currency", "budget_currency=dollars", "budget_currency"},
		{"sort by unknown", "sortby=secret", "sortby"},
		{"SQL in sortby", "sortby=title;DROP%20TABLE%20x", "sortby"},
		{"bad property name", "properties=title,1=1", "properties"},
		{"unknown filter language", "filter=x=1&filter-lang=cql2-json", "filter-lang"},
		{"filter syntax", "filter=status%3D", "filter"},
		{"filter unknown queryable", "filter=colour%3D'red'", "filter"},
		{"filter string queryable with a number", "filter=status%3D1", "filter"},
		{"filter number queryable with a string", "filter=budget%3D'x'", "filter"},
		{"filter spatial on a string", "filter=S_INTERSECTS(title,POINT(1%202))", "filter"},
		{"filter unsupported function", "filter=S_CROSSES(geometry,POINT(1%202))", "filter"},
		{"filter too deep", "filter=" + repeat("(", 30) + "id%3D1" + repeat(")", 30), "filter"},
		{"repeated single value", "limit=1&limit=2", "limit"},
		{"malformed escape", "q=%zz", "q"},
		{"stray semicolon", "limit=1;offset=2", "limit"},
		{"unknown format", "f=xml", "f"},
		{"too many values", "theme=" + repeat("a,", 101), "theme"},
		{"q too long", "q=" + repeat("x", 201), "q"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := parseItems(tt.query)
			fm := ""
			if err == nil {
				// format is checked by the handler, after the filter
				c, _ := gin.CreateTestContext(httptest.NewRecorder())
				c.Request = httptest.NewRequest("GET", "/x?"+tt.query, nil)
				p, _ := parseParams(c, filterParams, pageParams)
				fm = format(c, p, "json", "csv")
				err = p.err()
			}
			var ge *geo.Error
			if !errors.As(err, &ge) || ge.Code != geo.EInvalid {
				t.Fatalf("err = %v (format %q), want invalid", err, fm)
			}
			found := false
			for _, fe := range ge.Fields {
				found = found || fe.Parameter == tt.param
			}
			if !found {
				t.Errorf("errors %+v do not name %q", ge.Fields, tt.param)
			}
		})
	}
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}

// FuzzParseItems: any query string is either parsed into a filter and page
// within the limits or refused with a coded error; never a panic.
func FuzzParseItems(f *testing.F) {
	for _, seed := range []string{
		"", "bbox=170,-20,-170,-10", "datetime=../2021-01-01", "limit=0", "limit=99999999999999999999",
		"theme=a,b&theme=c", "q=%zz", "limit=1;x", "sortby=-title", "filter=status%3D'closed'",
		"budget_min=1e308&budget_max=1e309", "properties=", "bbox=1,2,3,4,5,6", "datetime=2020-01-01T00:00:00Z",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		fl, pg, err := parseItems(raw)
		if err != nil {
			if geo.ErrorCode(err) != geo.EInvalid {
				t.Fatalf("%q: error with code %q", raw, geo.ErrorCode(err))
			}
			return
		}
		if pg.Limit < 1 || pg.Limit > maxLimit || pg.Offset < 0 || pg.Offset > maxOffset {
			t.Fatalf("%q: page %+v out of range", raw, pg)
		}
		if fl.BBox != nil && (fl.BBox.MinLat > fl.BBox.MaxLat || fl.BBox.MinLon < -180 || fl.BBox.MaxLon > 180) {
			t.Fatalf("%q: bbox %+v out of range", raw, fl.BBox)
		}
		if len(fl.Themes) > geo.MaxFilterValues || len(fl.Q) > geo.MaxQLength {
			t.Fatalf("%q: limits not enforced", raw)
		}
	})
}
