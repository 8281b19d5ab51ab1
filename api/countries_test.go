package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/paulmach/orb/geojson"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/postgis"
)

type itemsPage struct {
	Type           string             `json:"type"`
	Features       []*geojson.Feature `json:"features"`
	NumberMatched  int                `json:"numberMatched"`
	NumberReturned int                `json:"numberReturned"`
	Links          []struct {
		Href string `json:"href"`
		Rel  string `json:"rel"`
	} `json:"links"`
}

func getItems(t *testing.T, e env, target string) itemsPage {
	t.Helper()
	rec := e.do(t, http.MethodGet, target)
	if rec.Code != http.StatusOK {
		t.Fatalf("%s = %d %s\nlog: %s", target, rec.Code, rec.Body, e.logs)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/geo+json" {
		t.Fatalf("Content-Type = %q", ct)
	}
	var p itemsPage
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCountryItems(t *testing.T) {
	e := newEnv(t, refURL, postgis.Config{}, nil)
	all := getItems(t, e, "/collections/countries/items?limit=1000")
	if all.Type != "FeatureCollection" || all.NumberMatched < 240 || all.NumberReturned != all.NumberMatched || len(all.Features) != all.NumberReturned {
		t.Fatalf("page: matched %d returned %d features %d", all.NumberMatched, all.NumberReturned, len(all.Features))
	}
	ids := map[float64]bool{}
	for _, f := range all.Features {
		id, ok := f.ID.(float64)
		if !ok || id <= 0 || ids[id] {
			t.Fatalf("feature id %v is not a unique positive number", f.ID)
		}
		ids[id] = true
		if f.Properties.MustString("iso_a2") == "" || f.Properties.MustString("name") == "" {
			t.Fatalf("feature %v lacks iso_a2/name: %v", f.ID, f.Properties)
		}
		if f.Geometry.GeoJSONType() != "MultiPolygon" {
			t.Fatalf("%s geometry %s", f.Properties.MustString("iso_a2"), f.Geometry.GeoJSONType())
		}
	}

	page := getItems(t, e, "/collections/countries/items?limit=100&offset=100")
	rels := map[string]string{}
	for _, l := range page.Links {
		rels[l.Rel] = l.Href
	}
	if page.NumberReturned != 100 || rels["self"] == "" || rels["next"] == "" || rels["prev"] == "" {
		t.Fatalf("middle page: returned %d, links %v", page.NumberReturned, rels)
	}
	next, err := url.Parse(rels["next"])
	if err != nil || !next.IsAbs() || next.Query().Get("offset") != "200" || next.Query().Get("limit") != "100" {
		t.Errorf("next link %q", rels["next"])
	}
	if clamped := getItems(t, e, "/collections/countries/items?limit=100000"); clamped.NumberReturned != all.NumberMatched {
		t.Errorf("limit above the maximum returned %d", clamped.NumberReturned)
	}
}

func TestCountryItemsBadParameters(t *testing.T) {
	e := newEnv(t, refURL, postgis.Config{}, nil)
	tests := []struct {
		name, query, param string
	}{
		{"unknown parameter", "colour=red", "colour"},
		{"limit zero", "limit=0", "limit"},
		{"negative limit", "limit=-5", "limit"},
		{"limit not a number", "limit=ten", "limit"},
		{"negative offset", "offset=-1", "offset"},
		{"SQL in offset", "offset=1;DROP%20TABLE%20countries", "offset"},
		{"unknown format", "f=xml", "f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := problem(t, e.do(t, http.MethodGet, "/collections/countries/items?"+tt.query), http.StatusBadRequest)
			if p.Code != geo.EInvalid || len(p.Errors) != 1 || p.Errors[0].Parameter != tt.param {
				t.Errorf("problem %+v, want one error naming %q", p, tt.param)
			}
		})
	}
}

func TestRoutingProblems(t *testing.T) {
	e := newEnv(t, refURL, postgis.Config{}, nil)
	if p := problem(t, e.do(t, http.MethodGet, "/no/such/thing"), http.StatusNotFound); p.Code != geo.ENotFound {
		t.Errorf("404 code %q", p.Code)
	}
	problem(t, e.do(t, http.MethodPost, "/livez"), http.StatusMethodNotAllowed)

	rec := e.do(t, http.MethodGet, "/livez", "X-Request-Id", "abc-123")
	if rec.Header().Get("X-Request-Id") != "abc-123" {
		t.Errorf("request id not echoed: %q", rec.Header().Get("X-Request-Id"))
	}
	rec = e.do(t, http.MethodGet, "/livez", "X-Request-Id", "bad id\nwith newline")
	if id := rec.Header().Get("X-Request-Id"); id == "" || strings.ContainsAny(id, " \n") {
		t.Errorf("unsafe request id kept: %q", id)
	}
	if !strings.Contains(e.logs.String(), `"request_id":"abc-123"`) || !strings.Contains(e.logs.String(), `"route":"/livez"`) {
		t.Errorf("request log lacks request id or route: %s", e.logs)
	}
}

func TestMetricsByRouteTemplate(t *testing.T) {
	e := newEnv(t, refURL, postgis.Config{}, nil)
	e.do(t, http.MethodGet, "/collections/countries/items?limit=1")
	e.do(t, http.MethodGet, "/no/such/path/1")
	e.do(t, http.MethodGet, "/no/such/path/2")
	body := e.do(t, http.MethodGet, "/metrics").Body.String()
	for _, want := range []string{
		`commonground_http_requests_total{method="GET",route="/collections/:collection/items",status="200"} 1`,
		`commonground_http_requests_total{method="GET",route="unmatched",status="404"} 2`,
		`commonground_http_request_duration_seconds_bucket{method="GET",route="/collections/:collection/items"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "/no/such/path") {
		t.Error("metrics carry raw paths")
	}
}
