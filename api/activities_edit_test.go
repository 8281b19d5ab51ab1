package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// as returns the headers viewer name of the matrix sends.
func (e *accountEnv) as(t *testing.T, name string) []string {
	t.Helper()
	for _, v := range e.viewers {
		if v.name == name {
			return v.headers
		}
	}
	t.Fatalf("no viewer %q", name)
	return nil
}

// query runs sql on the test database and scans its one row into dst.
func (e *accountEnv) query(t *testing.T, sql string, dst ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, e.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, sql).Scan(dst...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

type problemDoc struct {
	Status         int
	Code           string
	Detail         string
	Errors         []struct{ Pointer, Parameter, Detail string }
	CurrentVersion int             `json:"current_version"`
	CurrentETag    string          `json:"current_etag"`
	Current        json.RawMessage `json:"current"`
}

func decodeProblem(t *testing.T, rec *httptest.ResponseRecorder) problemDoc {
	t.Helper()
	var p problemDoc
	if !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/problem+json") || json.Unmarshal(rec.Body.Bytes(), &p) != nil {
		t.Fatalf("not a problem: %d %s %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	return p
}

func (p problemDoc) points(pointer string) bool {
	for _, e := range p.Errors {
		if e.Pointer == pointer {
			return true
		}
	}
	return false
}

type feature struct {
	ID         int64
	Properties map[string]any
}

func decodeFeature(t *testing.T, rec *httptest.ResponseRecorder) feature {
	t.Helper()
	var f feature
	if err := json.Unmarshal(rec.Body.Bytes(), &f); err != nil || f.ID == 0 {
		t.Fatalf("not a feature: %d %s", rec.Code, rec.Body)
	}
	return f
}

// The whole cycle through HTTP: an idempotent create, the strong ETag,
// 428 and 412 (with the current document), PUT, merge PATCH, the write
// document round trip, the history, delete and restore.
func TestActivityWrites(t *testing.T) {
	e := newAccountEnv(t)
	editor, sec := e.as(t, "editor of A"), e.as(t, "secretariat")
	with := func(h []string, kv ...string) []string { return append(append([]string{}, h...), kv...) }

	create := e.do(t, http.MethodPost, "/collections/activities/items", matrixActivity, with(editor, "Idempotency-Key", "cycle-1")...)
	if create.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", create.Code, create.Body)
	}
	f := decodeFeature(t, create)
	loc, etag := create.Header().Get("Location"), create.Header().Get("ETag")
	if !strings.HasSuffix(loc, fmt.Sprintf("/collections/activities/items/%d", f.ID)) || !strings.HasPrefix(etag, `"1.`) {
		t.Fatalf("Location %q, ETag %q", loc, etag)
	}
	retry := e.do(t, http.MethodPost, "/collections/activities/items", strings.Replace(matrixActivity, `"themes"`, ` "themes"`, 1), with(editor, "Idempotency-Key", "cycle-1")...)
	if retry.Code != http.StatusCreated || retry.Body.String() != create.Body.String() || retry.Header().Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry: %d %s", retry.Code, retry.Body)
	}
	other := e.do(t, http.MethodPost, "/collections/activities/items", strings.Replace(matrixActivity, "Matrix activity", "Another", 1), with(editor, "Idempotency-Key", "cycle-1")...)
	if other.Code != http.StatusUnprocessableEntity {
		t.Fatalf("key reused with another body: %d %s", other.Code, other.Body)
	}
	var n int
	e.query(t, `SELECT count(*) FROM activities WHERE title IN ('Matrix activity', 'Another')`, &n)
	if n != 1 {
		t.Fatalf("%d activities made by one key", n)
	}

	item := fmt.Sprintf("/collections/activities/items/%d", f.ID)
	get := e.do(t, http.MethodGet, item, "")
	if get.Code != 200 || !strings.HasPrefix(get.Header().Get("ETag"), `"1.`) {
		t.Fatalf("GET: %d ETag %q", get.Code, get.Header().Get("ETag"))
	}
	if rec := e.do(t, http.MethodGet, item, "", "If-None-Match", get.Header().Get("ETag")); rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match with the strong ETag: %d", rec.Code)
	}
	put := strings.Replace(matrixActivity, "Matrix activity", "Renamed", 1)
	if rec := e.do(t, http.MethodPut, item, put, editor...); rec.Code != http.StatusPreconditionRequired {
		t.Fatalf("PUT without If-Match: %d", rec.Code)
	}
	stale := e.do(t, http.MethodPut, item, put, with(editor, "If-Match", `"7.1-abc"`)...)
	if p := decodeProblem(t, stale); stale.Code != http.StatusPreconditionFailed || p.CurrentVersion != 1 ||
		!strings.HasPrefix(p.CurrentETag, `"1.`) || !strings.Contains(string(p.Current), `"Matrix activity"`) {
		t.Fatalf("stale PUT: %d %+v", stale.Code, p)
	}
	if rec := e.do(t, http.MethodPut, item, put, with(editor, "If-Match", `W/"1"`)...); rec.Code != http.StatusPreconditionFailed {
		t.Errorf("a weak If-Match matched: %d", rec.Code)
	}
	rec := e.do(t, http.MethodPut, item, put, with(editor, "If-Match", etag)...)
	if rec.Code != 200 || decodeFeature(t, rec).Properties["title"] != "Renamed" || !strings.HasPrefix(rec.Header().Get("ETag"), `"2.`) {
		t.Fatalf("PUT: %d %s", rec.Code, rec.Body)
	}
	rec = e.do(t, http.MethodPatch, item, `{"properties":{"status":"closed","budget":"12.5","currency":"EUR"}}`,
		with(editor, "If-Match", rec.Header().Get("ETag"), "Content-Type", "application/merge-patch+json")...)
	if rec.Code != 200 {
		t.Fatalf("PATCH: %d %s", rec.Code, rec.Body)
	}
	if p := decodeFeature(t, rec).Properties; p["status"] != "closed" || p["title"] != "Renamed" || p["budget"] != 12.5 || p["currency"] != "EUR" {
		t.Errorf("PATCH result: %v", p)
	}
	if rec := e.do(t, http.MethodPatch, item, `{"properties":{"status":"closed"}}`, with(editor, "If-Match", `"3"`, "Content-Type", "text/plain")...); rec.Code != 400 {
		t.Errorf("PATCH as text/plain: %d", rec.Code)
	}

	// The write document goes back unchanged: no new version, no history.
	doc := e.do(t, http.MethodGet, fmt.Sprintf("/activities/%d/document", f.ID), "", editor...)
	if doc.Code != 200 || !strings.HasPrefix(doc.Header().Get("ETag"), `"3.`) {
		t.Fatalf("document: %d %q %s", doc.Code, doc.Header().Get("ETag"), doc.Body)
	}
	if rec := e.do(t, http.MethodPut, item, doc.Body.String(), with(editor, "If-Match", doc.Header().Get("ETag"))...); rec.Code != 200 ||
		!strings.HasPrefix(rec.Header().Get("ETag"), `"3.`) {
		t.Fatalf("PUT of the document: %d %q %s", rec.Code, rec.Header().Get("ETag"), rec.Body)
	}
	var hist struct {
		Entries []struct {
			Action  string
			Version *int
			Actor   *struct{ Name string }
			Changes map[string]struct{ Before, After json.RawMessage }
		}
	}
	rec = e.do(t, http.MethodGet, item+"/history", "", e.as(t, "viewer of A")...)
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &hist) != nil || len(hist.Entries) != 3 {
		t.Fatalf("history: %d %s", rec.Code, rec.Body)
	}
	if h := hist.Entries[0]; h.Action != "update" || *h.Version != 3 || string(h.Changes["status"].After) != `"closed"` ||
		string(h.Changes["budget"].Before) != "null" || len(h.Changes) != 3 || h.Actor == nil || h.Actor.Name != "editor-a@example.org" {
		t.Errorf("last entry: %+v", h)
	}
	if h := hist.Entries[2]; h.Action != "create" || string(h.Changes["title"].After) != `"Matrix activity"` {
		t.Errorf("first entry: %+v", h)
	}

	if rec := e.do(t, http.MethodDelete, item, "", editor...); rec.Code != http.StatusPreconditionRequired {
		t.Fatalf("DELETE without If-Match: %d", rec.Code)
	}
	if rec := e.do(t, http.MethodDelete, item, "", with(editor, "If-Match", `"3"`)...); rec.Code != http.StatusNoContent {
		t.Fatalf("DELETE: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do(t, http.MethodGet, item, "", sec...); rec.Code != 404 {
		t.Fatalf("deleted but found: %d", rec.Code)
	}
	rec = e.do(t, http.MethodGet, "/activities/deleted", "", sec...)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"title":"Renamed"`) {
		t.Fatalf("deleted list: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do(t, http.MethodPost, fmt.Sprintf("/activities/%d/restore", f.ID), "", editor...); rec.Code != 403 {
		t.Errorf("editor restores: %d", rec.Code)
	}
	rec = e.do(t, http.MethodPost, fmt.Sprintf("/activities/%d/restore", f.ID), "", sec...)
	if rec.Code != 200 || decodeFeature(t, rec).Properties["status"] != "closed" || !strings.HasPrefix(rec.Header().Get("ETag"), `"4.`) {
		t.Fatalf("restore: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do(t, http.MethodGet, item, ""); rec.Code != 200 {
		t.Errorf("restored activity: %d", rec.Code)
	}
}

// The policy holds on every write path: an editor of A may not touch B's
// activities, hand A's to B, or raise the visibility of B's draft, even
// one A takes part in; viewers and read tokens write nothing.
func TestActivityWriteAuthorisation(t *testing.T) {
	e := newAccountEnv(t)
	editorA := e.as(t, "editor of A")
	var publicB, seenDraftB, hiddenDraftB int64
	e.query(t, `SELECT min(a.id) FROM activities a JOIN activity_organisations o ON o.activity_id = a.id AND o.role = 'lead'
		WHERE o.organisation_id = 2 AND a.visibility = 'public'`, &publicB)
	e.query(t, `SELECT coalesce(min(a.id), 0) FROM activities a JOIN activity_organisations o ON o.activity_id = a.id AND o.role = 'lead'
		WHERE o.organisation_id <> 1 AND a.visibility = 'draft'
		AND EXISTS (SELECT FROM activity_organisations p WHERE p.activity_id = a.id AND p.organisation_id = 1)`, &seenDraftB)
	e.query(t, `SELECT min(a.id) FROM activities a WHERE a.visibility = 'draft'
		AND NOT EXISTS (SELECT FROM activity_organisations p WHERE p.activity_id = a.id AND p.organisation_id = 1)`, &hiddenDraftB)
	if seenDraftB == 0 {
		// The demo data has none: make organisation 1 a partner of a draft.
		e.query(t, `WITH d AS (SELECT min(a.id) AS id FROM activities a WHERE a.visibility = 'draft' AND NOT EXISTS
			(SELECT FROM activity_organisations p WHERE p.activity_id = a.id AND p.organisation_id = 1) AND a.id <> `+fmt.Sprint(hiddenDraftB)+`)
			INSERT INTO activity_organisations (activity_id, organisation_id, role) SELECT id, 1, 'partner' FROM d RETURNING activity_id`, &seenDraftB)
	}
	item := func(id int64) string { return fmt.Sprintf("/collections/activities/items/%d", id) }
	patch := func(id int64, body string, h []string) int {
		return e.do(t, http.MethodPatch, item(id), body, append(append([]string{}, h...), "If-Match", "*", "Content-Type", "application/merge-patch+json")...).Code
	}
	cases := []struct {
		name string
		code int
		want int
	}{
		{"editor of A patches B's activity", patch(publicB, `{"properties":{"title":"x"}}`, editorA), 403},
		{"editor of A deletes B's activity", e.do(t, http.MethodDelete, item(publicB), "", append(append([]string{}, editorA...), "If-Match", "*")...).Code, 403},
		{"editor of A hands A's activity to B", patch(e.leadA, `{"properties":{"organisations":[{"id":2,"role":"lead"}]}}`, editorA), 403},
		{"editor of A raises B's draft it takes part in", patch(seenDraftB, `{"properties":{"visibility":"public"}}`, editorA), 403},
		{"editor of A cannot even find B's other draft", patch(hiddenDraftB, `{"properties":{"visibility":"public"}}`, editorA), 404},
		{"editor of A creates an activity led by B", e.do(t, http.MethodPost, "/collections/activities/items",
			strings.Replace(matrixActivity, `"id":1,"role":"lead"`, `"id":2,"role":"lead"`, 1), editorA...).Code, 403},
		{"viewer of A patches A's activity", patch(e.leadA, `{"properties":{"title":"x"}}`, e.as(t, "viewer of A")), 403},
		{"read token patches A's activity", patch(e.leadA, `{"properties":{"title":"x"}}`, e.as(t, "read token")), 403},
		{"anonymous patches", patch(e.leadA, `{"properties":{"title":"x"}}`, nil), 401},
		{"editor of B patches A's activity", patch(e.leadA, `{"properties":{"title":"x"}}`, e.as(t, "editor of B")), 403},
		{"write token of A's editor patches A's activity", patch(e.leadA, `{"properties":{"title":"By token"}}`, e.as(t, "write token")), 200},
		{"secretariat raises B's draft", patch(hiddenDraftB, `{"properties":{"visibility":"members"}}`, e.as(t, "secretariat")), 200},
	}
	for _, c := range cases {
		if c.code != c.want {
			t.Errorf("%s: %d, want %d", c.name, c.code, c.want)
		}
	}
	var vis string
	var title string
	e.query(t, `SELECT visibility FROM activities WHERE id = `+fmt.Sprint(seenDraftB), &vis)
	e.query(t, `SELECT title FROM activities WHERE id = `+fmt.Sprint(publicB), &title)
	if vis != "draft" || title == "x" {
		t.Errorf("a refused write was written: %s, %q", vis, title)
	}
}

// bodyWith is matrixActivity with properties set (JSON values) or, for
// "-name", removed.
func bodyWith(t *testing.T, props map[string]string) string {
	t.Helper()
	var doc map[string]map[string]json.RawMessage
	if err := json.Unmarshal([]byte(`{"properties":{}}`), &doc); err != nil {
		t.Fatal(err)
	}
	var base struct{ Properties map[string]json.RawMessage }
	if err := json.Unmarshal([]byte(matrixActivity), &base); err != nil {
		t.Fatal(err)
	}
	for k, v := range props {
		if strings.HasPrefix(k, "-") {
			delete(base.Properties, k[1:])
			continue
		}
		base.Properties[k] = json.RawMessage(v)
	}
	b, err := json.Marshal(map[string]any{"type": "Feature", "properties": base.Properties})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Every bad body is refused with a problem naming the pointer at fault, and
// nothing is written.
func TestActivityWriteBodies(t *testing.T) {
	e := newAccountEnv(t)
	sec := e.as(t, "secretariat")
	loc := func(l string) map[string]string { return map[string]string{"locations": "[" + l + "]"} }
	ring := func(n int) string {
		pts := make([]string, 0, n+1)
		for i := range n {
			pts = append(pts, fmt.Sprintf("[%g,%g]", 36.7+float64(i)*1e-5, -1.3+float64(i%2)*1e-3))
		}
		return `{"kind":"shape","geometry":{"type":"Polygon","coordinates":[[` + strings.Join(append(pts, pts[0]), ",") + `]]}}`
	}
	var iati string
	e.query(t, `SELECT iati_identifier FROM activities WHERE iati_identifier IS NOT NULL LIMIT 1`, &iati)
	cases := []struct {
		name    string
		body    string
		status  int
		pointer string
	}{
		{"not JSON", `{"type":`, 400, ""},
		{"an array", `[1]`, 400, ""},
		{"a FeatureCollection", `{"type":"FeatureCollection","properties":{}}`, 400, "/type"},
		{"unknown member", `{"type":"Feature","colour":"red","properties":{}}`, 400, "/colour"},
		{"the id", `{"type":"Feature","id":5,"properties":{"title":"x","organisations":[{"id":1,"role":"lead"}]}}`, 400, "/id"},
		{"the version", bodyWith(t, map[string]string{"version": "3"}), 400, "/properties/version"},
		{"demo", bodyWith(t, map[string]string{"demo": "true"}), 400, "/properties/demo"},
		{"created_at", bodyWith(t, map[string]string{"created_at": `"2020-01-01T00:00:00Z"`}), 400, "/properties/created_at"},
		{"lead_organisation_id", bodyWith(t, map[string]string{"lead_organisation_id": "2"}), 400, "/properties/lead_organisation_id"},
		{"unknown property", bodyWith(t, map[string]string{"colour": `"red"`}), 400, "/properties/colour"},
		{"title a number", bodyWith(t, map[string]string{"title": "7"}), 400, "/properties/title"},
		{"no title", bodyWith(t, map[string]string{"-title": ""}), 400, "/properties/title"},
		{"blank title", bodyWith(t, map[string]string{"title": `"   "`}), 400, "/properties/title"},
		{"huge title", bodyWith(t, map[string]string{"title": `"` + strings.Repeat("é", 501) + `"`}), 400, "/properties/title"},
		{"huge description", bodyWith(t, map[string]string{"description": `"` + strings.Repeat("x", 20001) + `"`}), 400, "/properties/description"},
		{"control character", bodyWith(t, map[string]string{"title": `"a\u0000b"`}), 400, "/properties/title"},
		{"unknown status", bodyWith(t, map[string]string{"status": `"done"`}), 400, "/properties/status"},
		{"unknown visibility", bodyWith(t, map[string]string{"visibility": `"secret"`}), 400, "/properties/visibility"},
		{"bad date", bodyWith(t, map[string]string{"start_date": `"2025-13-01"`}), 400, "/properties/start_date"},
		{"date out of range", bodyWith(t, map[string]string{"start_date": `"1800-01-01"`}), 400, "/properties/start_date"},
		{"end before start", bodyWith(t, map[string]string{"start_date": `"2025-06-01"`, "end_date": `"2025-01-01"`}), 400, "/properties/end_date"},
		{"negative budget", bodyWith(t, map[string]string{"budget": "-5", "currency": `"USD"`}), 400, "/properties/budget"},
		{"budget in words", bodyWith(t, map[string]string{"budget": `"a lot"`, "currency": `"USD"`}), 400, "/properties/budget"},
		{"budget with 3 decimals", bodyWith(t, map[string]string{"budget": `"1.005"`, "currency": `"USD"`}), 400, "/properties/budget"},
		{"budget without currency", bodyWith(t, map[string]string{"budget": "5"}), 400, "/properties/currency"},
		{"lower-case currency", bodyWith(t, map[string]string{"budget": "5", "currency": `"usd"`}), 400, "/properties/currency"},
		{"unknown currency", bodyWith(t, map[string]string{"budget": "5", "currency": `"XQQ"`}), 400, "/properties/currency"},
		{"bad IATI identifier", bodyWith(t, map[string]string{"iati_identifier": `"no spaces allowed"`}), 400, "/properties/iati_identifier"},
		{"taken IATI identifier", bodyWith(t, map[string]string{"iati_identifier": `"` + iati + `"`}), 409, "/properties/iati_identifier"},
		{"programme id zero", bodyWith(t, map[string]string{"programme_id": "0"}), 400, "/properties/programme_id"},
		{"unknown programme", bodyWith(t, map[string]string{"programme_id": "99999"}), 400, "/properties/programme_id"},
		{"no organisations", bodyWith(t, map[string]string{"-organisations": ""}), 400, "/properties/organisations"},
		{"two leads", bodyWith(t, map[string]string{"organisations": `[{"id":1,"role":"lead"},{"id":2,"role":"lead"}]`}), 400, "/properties/organisations"},
		{"unknown role", bodyWith(t, map[string]string{"organisations": `[{"id":1,"role":"lead"},{"id":2,"role":"boss"}]`}), 400, "/properties/organisations/1/role"},
		{"id as a string", bodyWith(t, map[string]string{"organisations": `[{"id":"1","role":"lead"}]`}), 400, "/properties/organisations/0/id"},
		{"organisation name given", bodyWith(t, map[string]string{"organisations": `[{"id":1,"role":"lead","name":"x"}]`}), 400, "/properties/organisations/0/name"},
		{"unknown organisation", bodyWith(t, map[string]string{"organisations": `[{"id":1,"role":"lead"},{"id":99999,"role":"partner"}]`}), 400, "/properties/organisations/1/id"},
		{"bad theme code", bodyWith(t, map[string]string{"themes": `["Resilience!"]`}), 400, "/properties/themes/0"},
		{"unknown theme", bodyWith(t, map[string]string{"themes": `["resilience","no_such_theme"]`}), 400, "/properties/themes/1"},
		{"a theme twice", bodyWith(t, map[string]string{"themes": `["resilience","gender","resilience"]`}), 400, "/properties/themes/2"},
		{"themes not an array", bodyWith(t, map[string]string{"themes": `"resilience"`}), 400, "/properties/themes"},
		{"unknown kind", bodyWith(t, loc(`{"kind":"planet"}`)), 400, "/properties/locations/0/kind"},
		{"unknown location field", bodyWith(t, loc(`{"kind":"country","country_code":"KE","colour":"red"}`)), 400, "/properties/locations/0/colour"},
		{"longitude out of range", bodyWith(t, loc(`{"kind":"point","geometry":{"type":"Point","coordinates":[200,1]}}`)), 400, "/properties/locations/0/geometry"},
		{"latitude out of range", bodyWith(t, loc(`{"kind":"point","geometry":{"type":"Point","coordinates":[10,-95]}}`)), 400, "/properties/locations/0/geometry"},
		{"not a geometry", bodyWith(t, loc(`{"kind":"point","geometry":{"type":"Circle","coordinates":[10,5]}}`)), 400, "/properties/locations/0/geometry"},
		{"a point as a polygon", bodyWith(t, loc(`{"kind":"point","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}`)), 400, "/properties/locations/0/geometry"},
		{"unclosed ring", bodyWith(t, loc(`{"kind":"shape","geometry":{"type":"Polygon","coordinates":[[[36.7,-1.3],[36.8,-1.3],[36.8,-1.2],[36.7,-1.2]]]}}`)), 400, "/properties/locations/0/geometry"},
		{"self-intersecting polygon", bodyWith(t, loc(`{"kind":"shape","geometry":{"type":"Polygon","coordinates":[[[36.7,-1.3],[36.8,-1.2],[36.8,-1.3],[36.7,-1.2],[36.7,-1.3]]]}}`)), 400, "/properties/locations/0/geometry"},
		{"too many vertices", bodyWith(t, loc(ring(5001))), 400, "/properties/locations/0/geometry"},
		{"swapped coordinates", bodyWith(t, loc(`{"kind":"point","country_code":"KE","geometry":{"type":"Point","coordinates":[-1.29,36.82]}}`)), 400, "/properties/locations/0/geometry"},
		{"point outside its country", bodyWith(t, loc(`{"kind":"point","country_code":"KE","geometry":{"type":"Point","coordinates":[2.35,48.85]}}`)), 400, "/properties/locations/0/geometry"},
		{"place without id", bodyWith(t, loc(`{"kind":"place"}`)), 400, "/properties/locations/0/place_id"},
		{"unknown place", bodyWith(t, loc(`{"kind":"place","place_id":1}`)), 400, "/properties/locations/0/place_id"},
		{"country without code", bodyWith(t, loc(`{"kind":"country"}`)), 400, "/properties/locations/0/country_code"},
		{"unknown country", bodyWith(t, loc(`{"kind":"country","country_code":"QQ"}`)), 400, "/properties/locations/0/country_code"},
		{"a country with a geometry", bodyWith(t, loc(`{"kind":"country","country_code":"KE","geometry":{"type":"Point","coordinates":[36,0]}}`)), 400, "/properties/locations/0/geometry"},
		{"too many locations", bodyWith(t, loc(strings.TrimSuffix(strings.Repeat(`{"kind":"country","country_code":"KE"},`, 101), ","))), 400, "/properties/locations"},
		{"geometry and locations", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"title":"x","organisations":[{"id":1,"role":"lead"}],"locations":[]}}`, 400, "/geometry"},
	}
	var before int
	e.query(t, `SELECT count(*) FROM activities`, &before)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := e.do(t, http.MethodPost, "/collections/activities/items", c.body, sec...)
			if rec.Code != c.status {
				t.Fatalf("%d, want %d: %s", rec.Code, c.status, rec.Body)
			}
			if p := decodeProblem(t, rec); c.pointer != "" && !p.points(c.pointer) {
				t.Errorf("no pointer %s: %+v", c.pointer, p.Errors)
			}
		})
	}
	var after int
	e.query(t, `SELECT count(*) FROM activities`, &after)
	if after != before {
		t.Errorf("%d activities written by refused bodies", after-before)
	}
	// The same refusals hold for PUT (one check: the body reader is shared).
	rec := e.do(t, http.MethodPut, fmt.Sprintf("/collections/activities/items/%d", e.leadA), bodyWith(t, map[string]string{"version": "9"}),
		append(append([]string{}, sec...), "If-Match", "*")...)
	if p := decodeProblem(t, rec); rec.Code != 400 || !p.points("/properties/version") {
		t.Errorf("PUT with a server-owned field: %d %+v", rec.Code, p)
	}
}
