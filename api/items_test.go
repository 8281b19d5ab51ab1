package api_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/internal/pgtest"
)

// demoEnv is a server over a fresh database with the demo alliance.
func demoEnv(t *testing.T) env {
	return newEnv(t, pgtest.New(t, pgtest.Demo), postgis.Config{}, nil)
}

func TestItemsLinksKeepFilters(t *testing.T) {
	e := demoEnv(t)
	page := getItems(t, e, "/collections/activities/items?theme=resilience&status=implementation&limit=5&offset=5&sortby=-start_date")
	rels := map[string]string{}
	for _, l := range page.Links {
		rels[l.Rel] = l.Href
	}
	for _, rel := range []string{"self", "next", "prev"} {
		u, err := url.Parse(rels[rel])
		if err != nil || !u.IsAbs() {
			t.Fatalf("%s link %q is not absolute", rel, rels[rel])
		}
		q := u.Query()
		if q.Get("theme") != "resilience" || q.Get("status") != "implementation" || q.Get("sortby") != "-start_date" || q.Get("limit") != "5" {
			t.Errorf("%s link %q lost a parameter", rel, rels[rel])
		}
	}
	next, _ := url.Parse(rels["next"])
	if next.Query().Get("offset") != "10" {
		t.Errorf("next offset %q", next.Query().Get("offset"))
	}
	// Following next until it disappears visits every match once.
	seen := map[float64]bool{}
	target := "/collections/activities/items?theme=resilience&limit=40"
	for target != "" {
		p := getItems(t, e, target)
		for _, f := range p.Features {
			id := f.ID.(float64)
			if seen[id] {
				t.Fatalf("feature %v twice", id)
			}
			seen[id] = true
		}
		target = ""
		for _, l := range p.Links {
			if l.Rel == "next" {
				u, _ := url.Parse(l.Href)
				target = u.RequestURI()
			}
		}
		if len(seen) == p.NumberMatched && target != "" {
			t.Fatal("a next link after the last page")
		}
	}
	if len(seen) < 50 {
		t.Errorf("only %d resilience activities", len(seen))
	}
}

func TestItemAndProperties(t *testing.T) {
	e := demoEnv(t)
	page := getItems(t, e, "/collections/activities/items?limit=1&properties=title,status")
	props := page.Features[0].Properties
	if len(props) != 2 || props["title"] == nil || props["status"] == nil {
		t.Errorf("properties=title,status gave %v", props)
	}
	id := page.Features[0].ID.(float64)
	rec := e.do(t, http.MethodGet, "/collections/activities/items/"+strings.TrimSuffix(strings.TrimSuffix(jsonNum(id), ".0"), ".00"))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/geo+json" {
		t.Fatalf("single item %d %s", rec.Code, rec.Body)
	}
	for _, path := range []string{"/collections/activities/items/0", "/collections/activities/items/abc", "/collections/nope/items", "/collections/nope"} {
		problem(t, e.do(t, http.MethodGet, path), http.StatusNotFound)
	}
	for _, col := range []string{"organisations", "programmes", "countries"} {
		p := getItems(t, e, "/collections/"+col+"/items?limit=2")
		if len(p.Features) != 2 || p.NumberMatched < 10 {
			t.Errorf("%s: %d features of %d", col, len(p.Features), p.NumberMatched)
		}
	}
	problem(t, e.do(t, http.MethodGet, "/collections/countries/items?filter=x%3D1"), http.StatusBadRequest)
}

func jsonNum(f float64) string { b, _ := json.Marshal(f); return string(b) }

func TestCSVIsNeutralised(t *testing.T) {
	e := demoEnv(t)
	rec := e.do(t, http.MethodGet, "/collections/activities/export?f=csv&country=KE")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("export %d %v", rec.Code, rec.Header())
	}
	rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("csv: %v, %d rows", err, len(rows))
	}
	header := strings.Join(rows[0], ",")
	if !strings.HasPrefix(header, "id,iati_identifier,title") || !strings.HasSuffix(header, "longitude,latitude,geometry_wkt") {
		t.Errorf("header %s", header)
	}
	for _, r := range rows[1:] {
		for i, cell := range r {
			if cell != "" && strings.ContainsRune("=+@", rune(cell[0])) {
				t.Errorf("cell %q of column %s not neutralised", cell, rows[0][i])
			}
		}
		if !strings.HasPrefix(r[len(r)-1], "MULTIPOINT") {
			t.Errorf("geometry %q", r[len(r)-1])
		}
	}
	// Accept: text/csv works too.
	rec = e.do(t, http.MethodGet, "/collections/activities/items?limit=3", "Accept", "text/csv")
	if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") || strings.Count(rec.Body.String(), "\n") != 4 {
		t.Errorf("Accept: text/csv gave %s, %d lines", rec.Header().Get("Content-Type"), strings.Count(rec.Body.String(), "\n"))
	}
}

func TestStats(t *testing.T) {
	e := demoEnv(t)
	var st geo.Stats
	rec := e.do(t, http.MethodGet, "/stats?group_by=status&region=002")
	if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("%d %v %s", rec.Code, err, rec.Body)
	}
	var sum int64
	for _, g := range st.Groups {
		sum += g.Activities
		if g.Organisations < 1 || g.Label == "" {
			t.Errorf("group %+v", g)
		}
	}
	if sum != st.Total.Activities || st.Total.Activities < 20 || len(st.Total.Budgets) < 2 {
		t.Errorf("status groups sum to %d, total %d, budgets %v", sum, st.Total.Activities, st.Total.Budgets)
	}
	problem(t, e.do(t, http.MethodGet, "/stats?group_by=colour"), http.StatusBadRequest)
}

// GDAL pushes "-where prop = x" to the server as CQL2 whenever /api lists a
// query parameter named like a feature property; so every such name must
// be a queryable too, or GDAL users get a 400.
func TestParametersNamedLikePropertiesAreQueryable(t *testing.T) {
	e := demoEnv(t)
	page := getItems(t, e, "/collections/activities/items?limit=1")
	queryable := map[string]bool{}
	for _, q := range geo.ActivityQueryables() {
		queryable[q.Name] = true
	}
	var doc struct {
		Paths map[string]struct {
			Get struct{ Parameters []struct{ Name string } }
		}
	}
	if err := json.Unmarshal(e.do(t, http.MethodGet, "/api").Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	params := doc.Paths["/collections/activities/items"].Get.Parameters
	if len(params) < 20 {
		t.Fatalf("only %d parameters documented", len(params))
	}
	for _, p := range params {
		if _, isProp := page.Features[0].Properties[p.Name]; isProp && !queryable[p.Name] {
			t.Errorf("parameter %q is also a feature property but not a queryable", p.Name)
		}
	}
}

// Data answers carry an ETag from the data version; a matching
// If-None-Match is a 304, and a change to the data changes the ETag.
func TestConditionalRequests(t *testing.T) {
	dbURL := pgtest.New(t, pgtest.Demo)
	e := newEnv(t, dbURL, postgis.Config{}, nil)
	path := "/collections/activities/items?limit=5"
	rec := e.do(t, http.MethodGet, path)
	etag := rec.Header().Get("ETag")
	if rec.Code != http.StatusOK || etag == "" || !strings.Contains(rec.Header().Get("Cache-Control"), "public") {
		t.Fatalf("first answer %d, ETag %q, Cache-Control %q", rec.Code, etag, rec.Header().Get("Cache-Control"))
	}
	if rec := e.do(t, http.MethodGet, path, "If-None-Match", etag); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Errorf("revalidation = %d with %d bytes", rec.Code, rec.Body.Len())
	}
	if other := e.do(t, http.MethodGet, path+"&offset=5").Header().Get("ETag"); other == etag {
		t.Error("another page has the same ETag")
	}
	conn := connect(t, dbURL)
	if _, err := conn.Exec(context.Background(), `UPDATE activities SET title = title || '.' WHERE id = (SELECT min(id) FROM activities)`); err != nil {
		t.Fatal(err)
	}
	if rec := e.do(t, http.MethodGet, path, "If-None-Match", etag); rec.Code != http.StatusOK || rec.Header().Get("ETag") == etag {
		t.Errorf("after a change: %d, ETag %q (was %q)", rec.Code, rec.Header().Get("ETag"), etag)
	}
}

func connect(t *testing.T, dbURL string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
