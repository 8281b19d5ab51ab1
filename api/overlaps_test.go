package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/demo"
	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/internal/pgtest"
)

type overlapSide struct {
	ID           int64  `json:"id"`
	Title        string `json:"title"`
	Href         string `json:"href"`
	Organisation struct {
		ID int64 `json:"id"`
	} `json:"organisation"`
}

type overlapJSON struct {
	Score     float64     `json:"score"`
	PlaceTier string      `json:"place_tier"`
	Themes    []string    `json:"themes"`
	Reason    string      `json:"reason"`
	Reasons   []string    `json:"reasons"`
	A         overlapSide `json:"a"`
	B         overlapSide `json:"b"`
}

type overlapsDoc struct {
	NumberMatched  int64         `json:"numberMatched"`
	NumberReturned int           `json:"numberReturned"`
	Overlaps       []overlapJSON `json:"overlaps"`
	Links          []struct {
		Rel, Href string
	} `json:"links"`
}

func TestOverlapsAPI(t *testing.T) {
	dbURL := pgtest.New(t, pgtest.Demo)
	e := newEnv(t, dbURL, postgis.Config{}, nil)
	get := func(t *testing.T, target string, hdr ...string) overlapsDoc {
		t.Helper()
		rec := e.do(t, http.MethodGet, target, hdr...)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("%s: %d %s: %s", target, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
		if strings.Contains(rec.Body.String(), demo.Sentinel) {
			t.Fatalf("%s shows a non-public activity", target)
		}
		var d overlapsDoc
		if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		return d
	}

	t.Run("ranked pairs with reasons", func(t *testing.T) {
		d := get(t, "/overlaps?limit=100")
		if d.NumberMatched < 48 || d.NumberReturned != 100 || len(d.Overlaps) != 100 {
			t.Fatalf("matched %d, returned %d", d.NumberMatched, d.NumberReturned)
		}
		for i, o := range d.Overlaps {
			if i > 0 && o.Score > d.Overlaps[i-1].Score {
				t.Errorf("overlap %d scores %v after %v", i, o.Score, d.Overlaps[i-1].Score)
			}
			if o.A.ID >= o.B.ID || o.A.Organisation.ID == o.B.Organisation.ID || len(o.Themes) == 0 ||
				!strings.HasPrefix(o.Reason, "Both work on ") || len(o.Reasons) < 3 || !strings.HasSuffix(o.A.Href, fmt.Sprintf("/collections/activities/items/%d", o.A.ID)) {
				t.Errorf("overlap %d: %+v", i, o)
			}
		}
		if !slices.ContainsFunc(d.Links, func(l struct{ Rel, Href string }) bool { return l.Rel == "next" }) {
			t.Error("no next link")
		}
	})

	t.Run("the filter applies to both activities", func(t *testing.T) {
		d := get(t, "/overlaps?theme=resilience&limit=1000")
		if d.NumberMatched == 0 {
			t.Fatal("no overlaps on resilience")
		}
		for _, o := range d.Overlaps {
			if !slices.Contains(o.Themes, "resilience") {
				t.Errorf("overlap %d-%d shares %v", o.A.ID, o.B.ID, o.Themes)
			}
		}
		near := get(t, "/overlaps?place_tier=near&distance_km=5&min_score=60&limit=1000")
		if near.NumberMatched == 0 || near.NumberMatched >= get(t, "/overlaps?limit=1").NumberMatched {
			t.Errorf("near, 5 km, score 60: %d overlaps", near.NumberMatched)
		}
		for _, o := range near.Overlaps {
			if o.PlaceTier != "near" || o.Score < 60 {
				t.Errorf("%+v", o)
			}
		}
	})

	t.Run("every filter parameter", func(t *testing.T) {
		for _, q := range []string{"bbox=30,-5,40,5", "bbox=170,-20,-170,0", "datetime=2024-01-01/2025-12-31", "organisation=1,2,3",
			"constituency=multilateral", "programme=1", "programme_type=country_programme", "theme=resilience,gender",
			"status=implementation", "country=KE,IN", "region=014", "budget_min=1000&budget_currency=EUR", "q=water",
			"filter=" + url.QueryEscape("status = 'implementation' AND start_date > DATE('2020-01-01')")} {
			for _, path := range []string{"/overlaps?", "/overlaps/matrix?", "/overlaps/hotspots?min_members=2&"} {
				if rec := e.do(t, http.MethodGet, path+q); rec.Code != http.StatusOK {
					t.Errorf("%s%s: %d %s", path, q, rec.Code, rec.Body)
				}
			}
		}
	})

	t.Run("GeoJSON", func(t *testing.T) {
		for _, target := range []string{"/overlaps?f=geojson&limit=20", "/overlaps?limit=20"} {
			hdr := []string{}
			if !strings.Contains(target, "f=") {
				hdr = []string{"Accept", "application/geo+json"}
			}
			rec := e.do(t, http.MethodGet, target, hdr...)
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/geo+json" {
				t.Fatalf("%s: %d %s", target, rec.Code, rec.Header().Get("Content-Type"))
			}
			var fc struct {
				Type     string
				Features []struct {
					ID       string
					Geometry struct {
						Type        string
						Coordinates json.RawMessage
					}
					Properties overlapJSON
				}
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &fc); err != nil || fc.Type != "FeatureCollection" || len(fc.Features) != 20 {
				t.Fatalf("%v %s", err, rec.Body)
			}
			for _, f := range fc.Features {
				if (f.Geometry.Type != "Point" && f.Geometry.Type != "LineString") || f.ID != fmt.Sprintf("%d-%d", f.Properties.A.ID, f.Properties.B.ID) {
					t.Errorf("feature %s: %s", f.ID, f.Geometry.Type)
				}
			}
		}
	})

	t.Run("an organisation's overlaps", func(t *testing.T) {
		top := get(t, "/overlaps?limit=1").Overlaps[0]
		org := top.A.Organisation.ID
		d := get(t, fmt.Sprintf("/organisations/%d/overlaps?limit=1000", org))
		if d.NumberMatched == 0 {
			t.Fatal("none")
		}
		for _, o := range d.Overlaps {
			if o.A.Organisation.ID != org && o.B.Organisation.ID != org {
				t.Errorf("overlap %d-%d is not led by %d", o.A.ID, o.B.ID, org)
			}
		}
		for _, target := range []string{"/organisations/999999/overlaps", "/organisations/abc/overlaps"} {
			problem(t, e.do(t, http.MethodGet, target), http.StatusNotFound)
		}
	})

	t.Run("an activity's overlaps", func(t *testing.T) {
		every := get(t, "/overlaps?limit=1000")
		top := every.Overlaps[0]
		id := top.A.ID
		var want []overlapJSON
		for _, o := range every.Overlaps {
			if o.A.ID == id || o.B.ID == id {
				want = append(want, o)
			}
		}
		if int64(len(every.Overlaps)) != every.NumberMatched {
			t.Fatalf("all overlaps: %d of %d", len(every.Overlaps), every.NumberMatched)
		}
		target := fmt.Sprintf("/activities/%d/overlaps", id)
		d := get(t, target+"?limit=1000")
		if d.NumberMatched != int64(len(want)) || len(d.Overlaps) != len(want) {
			t.Fatalf("%s: %d overlaps (matched %d), want %d", target, len(d.Overlaps), d.NumberMatched, len(want))
		}
		for i, o := range d.Overlaps {
			if o.A.ID != want[i].A.ID || o.B.ID != want[i].B.ID || o.Score != want[i].Score || o.Reason != want[i].Reason {
				t.Errorf("overlap %d: %+v, want %+v", i, o, want[i])
			}
		}
		page := get(t, target+"?limit=1&offset=1")
		if page.NumberMatched != d.NumberMatched || page.NumberReturned != 1 ||
			!slices.ContainsFunc(page.Links, func(l struct{ Rel, Href string }) bool { return l.Rel == "prev" }) {
			t.Errorf("page 2: %+v", page)
		}
		// The filter selects the other activities only: the overlaps with
		// the activities of the other side's lead (which need not be
		// among the activity's own organisations).
		other := top.B.Organisation.ID
		d = get(t, fmt.Sprintf("%s?organisation=%d&limit=1000", target, other))
		if d.NumberMatched == 0 || !slices.ContainsFunc(d.Overlaps, func(o overlapJSON) bool { return o.B.ID == top.B.ID }) {
			t.Errorf("organisation=%d: %+v", other, d)
		}
		for _, o := range d.Overlaps {
			if o.A.ID != id && o.B.ID != id {
				t.Errorf("overlap %d-%d is not of %d", o.A.ID, o.B.ID, id)
			}
		}
		for _, q := range []string{"bbox=-180,-90,180,90", "datetime=2024-01-01/2025-12-31", "constituency=multilateral", "programme=1",
			"programme_type=country_programme", "theme=resilience,gender", "status=implementation", "country=KE,IN", "region=014",
			"budget_min=1000&budget_currency=EUR", "q=water", "filter=" + url.QueryEscape("status = 'implementation'"),
			"place_tier=near&distance_km=5&min_score=10&include_completed=true&as_of=2025-07-01"} {
			if rec := e.do(t, http.MethodGet, target+"?"+q); rec.Code != http.StatusOK {
				t.Errorf("%s?%s: %d %s", target, q, rec.Code, rec.Body)
			}
		}
		for _, tt := range []struct{ target, hdr string }{{target + "?f=geojson", ""}, {target, "application/geo+json"}} {
			var hdr []string
			if tt.hdr != "" {
				hdr = []string{"Accept", tt.hdr}
			}
			rec := e.do(t, http.MethodGet, tt.target, hdr...)
			var fc struct {
				Type          string
				NumberMatched int64 `json:"numberMatched"`
				Features      []struct {
					ID       string
					Geometry struct{ Type string }
				}
			}
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/geo+json" {
				t.Fatalf("%s: %d %s", tt.target, rec.Code, rec.Header().Get("Content-Type"))
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &fc); err != nil || fc.Type != "FeatureCollection" ||
				fc.NumberMatched != int64(len(want)) || len(fc.Features) == 0 || fc.Features[0].ID != fmt.Sprintf("%d-%d", want[0].A.ID, want[0].B.ID) {
				t.Fatalf("%s: %v %s", tt.target, err, rec.Body)
			}
		}
		conn, err := pgx.Connect(context.Background(), dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		var hidden int64
		if err := conn.QueryRow(context.Background(), `SELECT min(id) FROM activities WHERE visibility = 'members'`).Scan(&hidden); err != nil {
			t.Fatal(err)
		}
		for _, target := range []string{"/activities/999999999/overlaps", fmt.Sprintf("/activities/%d/overlaps", hidden)} {
			if p := problem(t, e.do(t, http.MethodGet, target), http.StatusNotFound); p.Code != geo.ENotFound || strings.Contains(p.Detail, demo.Sentinel) {
				t.Errorf("%s: %+v", target, p)
			}
		}
		for _, target := range []string{"/activities/abc/overlaps", "/activities/0/overlaps", "/activities/-3/overlaps"} {
			if p := problem(t, e.do(t, http.MethodGet, target), http.StatusBadRequest); len(p.Errors) != 1 || p.Errors[0].Parameter != "id" {
				t.Errorf("%s: %+v", target, p)
			}
		}
		for q, param := range map[string]string{"min_score=101": "min_score", "colour=red": "colour", "f=csv": "f", "theme=Bad Theme": "theme"} {
			p := problem(t, e.do(t, http.MethodGet, target+"?"+strings.ReplaceAll(q, " ", "%20")), http.StatusBadRequest)
			if !slices.ContainsFunc(p.Errors, func(f geo.FieldError) bool { return f.Parameter == param }) {
				t.Errorf("%s: problem %+v does not name %s", q, p, param)
			}
		}
	})

	t.Run("bad parameters", func(t *testing.T) {
		for q, param := range map[string]string{
			"distance_km=0": "distance_km", "distance_km=500": "distance_km", "place_tier=far": "place_tier",
			"min_score=101": "min_score", "include_completed=maybe": "include_completed", "f=csv": "f", "colour=red": "colour",
			"as_of=2025-13-01": "as_of",
		} {
			p := problem(t, e.do(t, http.MethodGet, "/overlaps?"+q), http.StatusBadRequest)
			if !strings.Contains(fmt.Sprint(p), param) {
				t.Errorf("%s: problem %+v does not name %s", q, p, param)
			}
		}
	})

	t.Run("past the end", func(t *testing.T) {
		all := get(t, "/overlaps?limit=1").NumberMatched
		d := get(t, fmt.Sprintf("/overlaps?offset=%d", all+10))
		if d.NumberReturned != 0 || d.NumberMatched != all {
			t.Errorf("returned %d, matched %d (want 0, %d)", d.NumberReturned, d.NumberMatched, all)
		}
	})

	t.Run("matrix", func(t *testing.T) {
		rec := e.do(t, http.MethodGet, "/overlaps/matrix?place_tier=near")
		var m struct {
			Overlaps      int64
			Organisations []struct{ ID int64 }
			Cells         []struct {
				A, B     int64
				Overlaps int64
				Themes   []struct {
					Code     string
					Overlaps int64
				}
			}
		}
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &m) != nil {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		var sum int64
		for _, c := range m.Cells {
			sum += c.Overlaps
			if c.A >= c.B || len(c.Themes) == 0 {
				t.Errorf("cell %+v", c)
			}
		}
		if want := get(t, "/overlaps?place_tier=near&limit=1").NumberMatched; sum != want || m.Overlaps != want || len(m.Organisations) < 2 {
			t.Errorf("matrix counts %d (%d), /overlaps %d", sum, m.Overlaps, want)
		}
		problem(t, e.do(t, http.MethodGet, "/overlaps/matrix?limit=5"), http.StatusBadRequest)
	})

	t.Run("hotspots", func(t *testing.T) {
		rec := e.do(t, http.MethodGet, "/overlaps/hotspots?limit=50")
		var d struct {
			NumberMatched int64
			Hotspots      []struct {
				Place       string
				Theme       string
				MemberCount int `json:"member_count"`
				Members     []struct{ ID int64 }
				Activities  []struct{ ID int64 }
			}
		}
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &d) != nil || strings.Contains(rec.Body.String(), demo.Sentinel) {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		if d.NumberMatched == 0 {
			t.Fatal("no hotspot in the demo data")
		}
		for _, h := range d.Hotspots {
			if h.MemberCount < 3 || len(h.Members) != h.MemberCount || len(h.Activities) < 3 || h.Place == "" {
				t.Errorf("hotspot %+v", h)
			}
		}
		geo := e.do(t, http.MethodGet, "/overlaps/hotspots?f=geojson")
		if geo.Code != http.StatusOK || geo.Header().Get("Content-Type") != "application/geo+json" || !strings.Contains(geo.Body.String(), `"Point"`) {
			t.Errorf("GeoJSON: %d %s", geo.Code, geo.Body)
		}
		problem(t, e.do(t, http.MethodGet, "/overlaps/hotspots?min_members=1"), http.StatusBadRequest)
	})
}
