package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/demo"
	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/internal/pgtest"
)

// Every demo activity that is not public carries demo.Sentinel in its
// title. No answer an anonymous viewer gets may contain it, nor count such
// an activity in any number, extent or statistic.
func TestNothingLeaksToAnonymousViewers(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.New(t, pgtest.Demo)
	e := newEnv(t, dbURL, postgis.Config{}, nil)
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var public, hidden int64
	var hiddenIDs []int64
	if err := conn.QueryRow(ctx, `SELECT count(*) FILTER (WHERE visibility = 'public'), count(*) FILTER (WHERE visibility <> 'public'),
		array_agg(id) FILTER (WHERE visibility <> 'public') FROM activities`).Scan(&public, &hidden, &hiddenIDs); err != nil {
		t.Fatal(err)
	}
	if hidden < 50 || public < 500 {
		t.Fatalf("demo data lacks hidden activities: %d public, %d hidden", public, hidden)
	}
	get := func(path string) string {
		t.Helper()
		rec := e.do(t, http.MethodGet, path)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s = %d %s", path, rec.Code, rec.Body)
		}
		body := rec.Body.String()
		if strings.Contains(body, demo.Sentinel) || strings.Contains(body, "NOT-PUBLIC") {
			t.Errorf("%s leaks a non-public activity", path)
		}
		return body
	}

	t.Run("items, pages, formats and export", func(t *testing.T) {
		var fc struct {
			NumberMatched int64 `json:"numberMatched"`
			Features      []json.RawMessage
		}
		seen := 0
		for off := 0; ; off += 250 {
			if err := json.Unmarshal([]byte(get(fmt.Sprintf("/collections/activities/items?limit=250&offset=%d", off))), &fc); err != nil {
				t.Fatal(err)
			}
			if fc.NumberMatched != public {
				t.Fatalf("numberMatched %d, want %d public", fc.NumberMatched, public)
			}
			seen += len(fc.Features)
			if len(fc.Features) < 250 {
				break
			}
		}
		if int64(seen) != public {
			t.Errorf("paged through %d features, want %d", seen, public)
		}
		if n := strings.Count(get("/collections/activities/export?f=csv"), "\n"); int64(n) != public+1 {
			t.Errorf("CSV export has %d lines, want %d", n, public+1)
		}
		var ex struct{ Features []json.RawMessage }
		if err := json.Unmarshal([]byte(get("/collections/activities/export?f=geojson")), &ex); err != nil || int64(len(ex.Features)) != public {
			t.Errorf("GeoJSON export: %d features, %v", len(ex.Features), err)
		}
		get("/collections/activities/items?f=csv&limit=1000")
		// The queries avoid the sentinel's text: the self link repeats them.
		get("/collections/activities/items?q=PUBLIC")
		cql := get("/collections/activities/items?filter=" + url.QueryEscape("title LIKE '%-PUBLIC%'"))
		if !strings.Contains(cql, `"numberMatched":0`) {
			t.Errorf("a CQL2 filter on the sentinel matched something")
		}
	})

	t.Run("single hidden items are not found", func(t *testing.T) {
		for _, id := range hiddenIDs[:10] {
			rec := e.do(t, http.MethodGet, fmt.Sprintf("/collections/activities/items/%d", id))
			if rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "NOT-PUBLIC") {
				t.Errorf("hidden activity %d: %d %s", id, rec.Code, rec.Body)
			}
			// The history and the write document need a signed-in user,
			// and say nothing of whether the activity exists.
			for _, p := range []string{"/collections/activities/items/%d/history", "/activities/%d/document"} {
				rec := e.do(t, http.MethodGet, fmt.Sprintf(p, id))
				if rec.Code != http.StatusUnauthorized || strings.Contains(rec.Body.String(), "NOT-PUBLIC") {
					t.Errorf("%s: %d %s", fmt.Sprintf(p, id), rec.Code, rec.Body)
				}
			}
		}
		get("/vocabularies")
	})

	t.Run("counts of the other collections", func(t *testing.T) {
		sums := map[string]string{
			"countries":     `SELECT count(DISTINCT (l.activity_id, l.country_code)) FROM activity_locations l JOIN activities a ON a.id = l.activity_id WHERE a.visibility = 'public' AND l.country_code IS NOT NULL`,
			"organisations": `SELECT count(DISTINCT (ao.activity_id, ao.organisation_id)) FROM activity_organisations ao JOIN activities a ON a.id = ao.activity_id WHERE a.visibility = 'public'`,
			"programmes":    `SELECT count(*) FROM activities WHERE visibility = 'public' AND programme_id IS NOT NULL`,
		}
		for col, sql := range sums {
			var want int64
			if err := conn.QueryRow(ctx, sql).Scan(&want); err != nil {
				t.Fatal(err)
			}
			var fc struct {
				Features []struct {
					Properties struct {
						ActivityCount int64 `json:"activity_count"`
					}
				}
			}
			if err := json.Unmarshal([]byte(get("/collections/"+col+"/items?limit=1000")), &fc); err != nil {
				t.Fatal(err)
			}
			var got int64
			for _, f := range fc.Features {
				got += f.Properties.ActivityCount
			}
			if got != want {
				t.Errorf("%s: activity counts sum to %d, want %d (public only)", col, got, want)
			}
		}
	})

	t.Run("stats, search, extents", func(t *testing.T) {
		for _, by := range append([]geo.GroupBy{geo.ByNone}, geo.GroupBys...) {
			var st geo.Stats
			if err := json.Unmarshal([]byte(get("/stats?group_by="+string(by))), &st); err != nil {
				t.Fatal(err)
			}
			if st.Total.Activities != public {
				t.Errorf("stats by %q: total %d, want %d", by, st.Total.Activities, public)
			}
		}
		rows, err := conn.Query(ctx, `SELECT split_part(title, ' ', 1) || ' ' || split_part(title, ' ', 2) FROM activities WHERE visibility <> 'public' LIMIT 15`)
		if err != nil {
			t.Fatal(err)
		}
		words, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range words {
			body := get("/search?limit=25&q=" + url.QueryEscape(w))
			for _, id := range hiddenIDs {
				if strings.Contains(body, fmt.Sprintf(`"type":"activity","id":%d,`, id)) {
					t.Errorf("search %q finds hidden activity %d", w, id)
				}
			}
		}
		var maxEnd string
		if err := conn.QueryRow(ctx, `SELECT to_char(max(end_date), 'YYYY-MM-DD') FROM activities WHERE visibility = 'public'`).Scan(&maxEnd); err != nil {
			t.Fatal(err)
		}
		if body := get("/collections/activities"); !strings.Contains(body, maxEnd+"T00:00:00Z") {
			t.Errorf("temporal extent does not end at the last public activity (%s): %s", maxEnd, body)
		}
		get("/collections")
		get("/collections/activities/queryables")
	})

	t.Run("overlaps, matrix, hotspots", func(t *testing.T) {
		hiddenSet := map[int64]bool{}
		for _, id := range hiddenIDs {
			hiddenSet[id] = true
		}
		var o struct {
			Overlaps []struct{ A, B struct{ ID int64 } }
		}
		for _, q := range []string{"", "&include_completed=true", "&place_tier=near&distance_km=100"} {
			if err := json.Unmarshal([]byte(get("/overlaps?limit=1000"+q)), &o); err != nil {
				t.Fatal(err)
			}
			if len(o.Overlaps) == 0 {
				t.Fatal("no overlaps")
			}
			for _, x := range o.Overlaps {
				if hiddenSet[x.A.ID] || hiddenSet[x.B.ID] {
					t.Errorf("overlap %d-%d shows a hidden activity", x.A.ID, x.B.ID)
				}
			}
		}
		var h struct {
			Hotspots []struct{ Activities []struct{ ID int64 } }
		}
		if err := json.Unmarshal([]byte(get("/overlaps/hotspots?limit=1000&min_members=2&include_completed=true")), &h); err != nil {
			t.Fatal(err)
		}
		for _, x := range h.Hotspots {
			for _, a := range x.Activities {
				if hiddenSet[a.ID] {
					t.Errorf("a hotspot shows hidden activity %d", a.ID)
				}
			}
		}
		// The matrix counts exactly the pairs the list shows
		// (TestOverlapMatrix in geo/postgis), so it holds no hidden pair
		// either.
		get("/overlaps/matrix")
		get("/overlaps?f=geojson&limit=1000")

		// One activity's overlaps: a hidden activity is not found, and a
		// public one at a place where hidden ones work shows none of them.
		for _, id := range hiddenIDs {
			rec := e.do(t, http.MethodGet, fmt.Sprintf("/activities/%d/overlaps?include_completed=true", id))
			if rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "NOT-PUBLIC") {
				t.Errorf("overlaps of hidden activity %d: %d %s", id, rec.Code, rec.Body)
			}
		}
		rows, err := conn.Query(ctx, `SELECT DISTINCT p.activity_id FROM activity_locations p
			JOIN activities pa ON pa.id = p.activity_id AND pa.visibility = 'public'
			JOIN activity_locations h ON h.place_id = p.place_id JOIN activities ha ON ha.id = h.activity_id AND ha.visibility <> 'public'
			ORDER BY 1 LIMIT 40`)
		if err != nil {
			t.Fatal(err)
		}
		neighbours, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			t.Fatal(err)
		}
		found := 0
		for _, id := range neighbours {
			for _, f := range []string{"", "&f=geojson"} {
				body := get(fmt.Sprintf("/activities/%d/overlaps?limit=1000&include_completed=true&distance_km=100%s", id, f))
				if f != "" {
					continue
				}
				if err := json.Unmarshal([]byte(body), &o); err != nil {
					t.Fatal(err)
				}
				found += len(o.Overlaps)
				for _, x := range o.Overlaps {
					if hiddenSet[x.A.ID] || hiddenSet[x.B.ID] {
						t.Errorf("activity %d: overlap %d-%d shows a hidden activity", id, x.A.ID, x.B.ID)
					}
				}
			}
		}
		if len(neighbours) < 10 || found == 0 {
			t.Errorf("%d public activities at places of hidden ones, with %d overlaps: nothing tested", len(neighbours), found)
		}
	})
}

// With a member of organisation A signed in, no other organisation's draft
// appears in any output, cold and warm tile cache, while A's own drafts do;
// and the anonymous answers are the same bytes before and after.
func TestNothingLeaksToMembers(t *testing.T) {
	ctx := context.Background()
	e := newAccountEnv(t)
	conn, err := pgx.Connect(ctx, e.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var orgA int64
	if err := conn.QueryRow(ctx, `SELECT ao.organisation_id FROM activity_organisations ao JOIN activities a ON a.id = ao.activity_id
		WHERE a.visibility = 'draft' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`).Scan(&orgA); err != nil {
		t.Fatal(err)
	}
	type draft struct {
		id       int64
		title    string
		lon, lat float64
	}
	drafts := func(own bool) []draft {
		rows, err := conn.Query(ctx, `SELECT DISTINCT ON (a.id) a.id, a.title, ST_X(ST_PointOnSurface(l.geom)), ST_Y(ST_PointOnSurface(l.geom))
			FROM activities a JOIN activity_locations l ON l.activity_id = a.id AND l.geom IS NOT NULL
			WHERE a.visibility = 'draft' AND EXISTS (SELECT FROM activity_organisations o WHERE o.activity_id = a.id AND o.organisation_id = $1) = $2
			ORDER BY a.id LIMIT 8`, orgA, own)
		if err != nil {
			t.Fatal(err)
		}
		var out []draft
		for rows.Next() {
			var d draft
			if err := rows.Scan(&d.id, &d.title, &d.lon, &d.lat); err != nil {
				t.Fatal(err)
			}
			out = append(out, d)
		}
		return out
	}
	others, own := drafts(false), drafts(true)
	if len(others) < 3 || len(own) < 1 {
		t.Fatalf("demo data: %d other drafts, %d own drafts of organisation %d", len(others), len(own), orgA)
	}
	e.addUser(t, "leak@example.org", orgA, geo.UserViewer, "a long enough password")
	rec := e.do(t, http.MethodPost, "/auth/login", `{"email":"leak@example.org","password":"a long enough password"}`)
	member := []string{"Cookie", strings.SplitN(rec.Header().Get("Set-Cookie"), ";", 2)[0]}
	get := func(path string, hdr ...string) string {
		t.Helper()
		rec := e.do(t, http.MethodGet, path, "", hdr...)
		if rec.Code != http.StatusOK && rec.Code != http.StatusNoContent {
			t.Fatalf("%s = %d %s", path, rec.Code, rec.Body)
		}
		body := rec.Body.String()
		for _, d := range others {
			if strings.Contains(body, d.title) {
				t.Errorf("%s shows another organisation's draft %d", path, d.id)
			}
		}
		return body
	}
	tilePaths := func(d draft) []string {
		var out []string
		for _, z := range []int{2, 6, 10, 14} {
			n := math.Exp2(float64(z))
			x := int((d.lon + 180) / 360 * n)
			lat := d.lat * math.Pi / 180
			y := int((1 - math.Log(math.Tan(lat)+1/math.Cos(lat))/math.Pi) / 2 * n)
			out = append(out, fmt.Sprintf("/tiles/activities/%d/%d/%d.mvt", z, min(x, int(n)-1), min(max(y, 0), int(n)-1)))
		}
		return out
	}
	var paths []string
	for _, d := range append(append([]draft{}, others...), own...) {
		paths = append(paths, tilePaths(d)...)
	}
	paths = append(paths, "/stats", "/stats?group_by=organisation", "/collections/activities/export?f=csv", "/collections/activities/export?f=geojson",
		"/overlaps?limit=1000&include_completed=true", "/overlaps/matrix", "/overlaps/hotspots?limit=1000&min_members=2&include_completed=true",
		fmt.Sprintf("/organisations/%d/overlaps?limit=1000&include_completed=true", orgA), "/search?q=PUBLIC&limit=25")
	for off := 0; off < 3000; off += 1000 {
		paths = append(paths, fmt.Sprintf("/collections/activities/items?limit=1000&offset=%d", off))
	}
	anonBefore := map[string]string{}
	for _, p := range paths {
		anonBefore[p] = timeStamp.ReplaceAllString(get(p), "")
	}
	all := ""
	for range 2 { // cold, then warm caches
		all = ""
		for _, p := range paths {
			all += get(p, member...)
		}
	}
	for _, d := range own {
		if !strings.Contains(all, d.title) {
			t.Errorf("organisation %d's own draft %d is not shown to its member", orgA, d.id)
		}
		for _, p := range []string{"/collections/activities/items/%d", "/activities/%d/document", "/collections/activities/items/%d/history"} {
			if rec := e.do(t, http.MethodGet, fmt.Sprintf(p, d.id), "", member...); rec.Code != http.StatusOK {
				t.Errorf("own draft: %s: %d", fmt.Sprintf(p, d.id), rec.Code)
			}
		}
	}
	for _, d := range others {
		for _, p := range []string{"/collections/activities/items/%d", "/activities/%d/overlaps", "/activities/%d/document",
			"/collections/activities/items/%d/history"} {
			if rec := e.do(t, http.MethodGet, fmt.Sprintf(p, d.id), "", member...); rec.Code != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", fmt.Sprintf(p, d.id), rec.Code)
			}
		}
	}
	for _, p := range paths {
		if after := timeStamp.ReplaceAllString(get(p), ""); after != anonBefore[p] {
			t.Errorf("%s: the anonymous answer changed after a member browsed", p)
		}
	}
}
