package api_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/commonground/commonground/api"
	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/geo/secret"
	"github.com/commonground/commonground/internal/pgtest"
)

// accountEnv is the real router over the real store (demo data) with
// people signed in: each viewer of the matrix and the headers it sends.
type accountEnv struct {
	srv      *api.Server
	store    *postgis.Store
	admin    geo.User // the secretariat user who invites the others
	viewers  []viewerCase
	publicID int64 // a public activity
	leadA    int64 // a public activity led by organisation 1 (A)
	dbURL    string
}

type viewerCase struct {
	name    string
	viewer  geo.Viewer // what the server should decide
	badAuth bool       // a bearer token that must be refused with 401
	headers []string
}

func newAccountEnv(t *testing.T) *accountEnv {
	t.Helper()
	dbURL := pgtest.New(t, pgtest.Demo)
	s, err := postgis.Open(context.Background(), postgis.Config{URL: dbURL})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	reg := prometheus.NewRegistry()
	srv := api.New(s, slog.New(slog.NewTextHandler(io.Discard, nil)),
		api.Config{HandlerTimeout: time.Minute, MaxBodyBytes: 1 << 20}, nil, reg, reg)
	e := &accountEnv{srv: srv, store: s, dbURL: dbURL}
	ctx := context.Background()
	acc := s
	e.admin, err = s.CreateAdmin(ctx, "secretariat@example.org", "The secretariat", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.ActivityPage(ctx, geo.Viewer{}, geo.ActivityFilter{}, geo.Page{Limit: 1})
	if err != nil || len(page.Activities) == 0 {
		t.Fatalf("no public activity: %v", err)
	}
	e.publicID = page.Activities[0].ID
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, `SELECT a.id FROM activities a JOIN activity_organisations o ON o.activity_id = a.id
	WHERE o.organisation_id = 1 AND o.role = 'lead' AND a.visibility = 'public' ORDER BY a.id LIMIT 1`).Scan(&e.leadA); err != nil {
		t.Fatalf("no public activity led by organisation 1: %v", err)
	}

	const orgA, orgB = 1, 2
	session := func(email string, org int64, role geo.UserRole) (string, geo.User) {
		u := e.admin
		if role != geo.UserSecretariat {
			u = e.addUser(t, email, org, role, "correct horse battery")
		}
		sess, _, err := acc.SignIn(ctx, email, "correct horse battery", geo.Client{})
		if err != nil {
			t.Fatal(err)
		}
		return sess, u
	}
	cookie := func(s string) []string { return []string{"Cookie", "cg_session=" + s} }
	bearer := func(s string) []string { return []string{"Authorization", "Bearer " + s} }
	sv, uv := session("viewer-a@example.org", orgA, geo.UserViewer)
	se, ue := session("editor-a@example.org", orgA, geo.UserEditor)
	sb, ub := session("editor-b@example.org", orgB, geo.UserEditor)
	ss, us := session("secretariat@example.org", 0, geo.UserSecretariat)
	sd, ud := session("disabled@example.org", orgA, geo.UserEditor)
	disabled := true
	if _, err := acc.UpdateUser(ctx, us.Viewer(""), ud.ID, ud.Version, geo.UserPatch{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	token := func(scope geo.Scope) string {
		tok, _, err := acc.CreateToken(ctx, ue.Viewer(""), "t", scope, nil)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	read, write, expired, revoked := token(geo.ScopeRead), token(geo.ScopeWrite), token(geo.ScopeWrite), token(geo.ScopeWrite)
	e.expireToken(t, expired)
	if _, tok, err := acc.TokenUser(ctx, revoked); err != nil {
		t.Fatal(err)
	} else if err := acc.RevokeToken(ctx, ue.Viewer(""), tok.ID); err != nil {
		t.Fatal(err)
	}
	e.viewers = []viewerCase{
		{name: "anonymous"},
		{name: "viewer of A", viewer: uv.Viewer(""), headers: cookie(sv)},
		{name: "editor of A", viewer: ue.Viewer(""), headers: cookie(se)},
		{name: "editor of B", viewer: ub.Viewer(""), headers: cookie(sb)},
		{name: "secretariat", viewer: us.Viewer(""), headers: cookie(ss)},
		{name: "read token", viewer: ue.Viewer(geo.ScopeRead), headers: bearer(read)},
		{name: "write token", viewer: ue.Viewer(geo.ScopeWrite), headers: bearer(write)},
		{name: "expired token", badAuth: true, headers: bearer(expired)},
		{name: "revoked token", badAuth: true, headers: bearer(revoked)},
		{name: "disabled user", headers: cookie(sd)},
		{name: "forged cookie", headers: cookie("cgs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")},
	}
	return e
}

// addUser makes a member with a password as people get one: the
// secretariat invites them and they accept the link.
func (e *accountEnv) addUser(t *testing.T, email string, org int64, role geo.UserRole, password string) geo.User {
	t.Helper()
	ctx := context.Background()
	_, link, _, err := e.store.InviteUser(ctx, e.admin.Viewer(""), geo.NewUser{Email: email, DisplayName: email, OrganisationID: org, Role: role})
	if err != nil {
		t.Fatalf("invite %s: %v", email, err)
	}
	_, u, err := e.store.UseLink(ctx, link, password, geo.Client{})
	if err != nil {
		t.Fatalf("accept %s: %v", email, err)
	}
	return u
}

// expireToken moves a token's expiry into the past, as time would.
func (e *accountEnv) expireToken(t *testing.T, token string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), e.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	tag, err := conn.Exec(context.Background(), `UPDATE api_tokens SET expires_at = now() - interval '1 minute' WHERE hash = $1`, secret.Hash(token))
	if err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("expire token: %v (%d rows)", err, tag.RowsAffected())
	}
}

func (e *accountEnv) do(t *testing.T, method, target, body string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Add(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	return rec
}

// routeCase is one route of the matrix: a concrete request, and the
// outcome for a live viewer: 200-class for reads; for writes, ok when
// geo.Can allows action on object, else 401 (not signed in) or 403.
type routeCase struct {
	target, body string
	hdr          []string
	action       geo.Action // "" for routes anyone may call
	object       geo.Object
	ok           int // the status when allowed
}

// matrixActivity is a valid activity led by organisation 1, in Nairobi.
const matrixActivity = `{"type":"Feature","properties":{"title":"Matrix activity","organisations":[{"id":1,"role":"lead"}],
	"themes":["resilience"],"locations":[{"kind":"point","geometry":{"type":"Point","coordinates":[36.82,-1.29]}}]}}`

func (e *accountEnv) routes() map[string]routeCase {
	id := fmt.Sprint(e.publicID)
	leadA := fmt.Sprint(e.leadA)
	read := func(target string) routeCase { return routeCase{target: target, ok: 200} }
	return map[string]routeCase{
		"GET /livez":                   read("/livez"),
		"GET /readyz":                  read("/readyz"),
		"GET /metrics":                 read("/metrics"),
		"GET /":                        read("/?f=json"),
		"HEAD /":                       read("/?f=json"),
		"GET /conformance":             read("/conformance"),
		"GET /api":                     read("/api"),
		"GET /api.html":                read("/api.html"),
		"GET /collections":             read("/collections"),
		"GET /collections/:collection": read("/collections/activities"),
		"GET /collections/:collection/queryables": read("/collections/activities/queryables"),
		"GET /collections/:collection/items":      read("/collections/activities/items?limit=5"),
		"GET /collections/:collection/items/:id":  read("/collections/activities/items/" + id),
		"GET /collections/activities/export":      read("/collections/activities/export?f=csv&country=KE"),
		"GET /stats":                              read("/stats"),
		"GET /search":                             read("/search?q=water"),
		"GET /overlaps":                           read("/overlaps?limit=5"),
		"GET /overlaps/matrix":                    read("/overlaps/matrix"),
		"GET /overlaps/hotspots":                  read("/overlaps/hotspots?limit=5"),
		"GET /organisations/:id/overlaps":         read("/organisations/1/overlaps?limit=5"),
		"GET /activities/:id/overlaps":            read("/activities/" + id + "/overlaps"),
		"GET /tiles/:layers":                      read("/tiles/activities.json"),
		"GET /style.json":                         read("/style.json"),
		"GET /tiles/:layers/:z/:x/:y":             read("/tiles/countries/0/0/0.mvt"),
		"HEAD /tiles/:layers/:z/:x/:y":            read("/tiles/countries/0/0/0.mvt"),
		"GET /fonts/:fontstack/:range":            read("/fonts/Go%20Regular/0-255.pbf"),
		"HEAD /fonts/:fontstack/:range":           read("/fonts/Go%20Regular/0-255.pbf"),
		"GET /auth/me":                            read("/auth/me"),
		"POST /auth/logout":                       {target: "/auth/logout", ok: 204},
		"POST /auth/login":                        {target: "/auth/login", body: `{"email":"nobody@example.org","password":"wrong"}`, ok: 401},
		"POST /auth/accept":                       {target: "/auth/accept", body: `{}`, ok: 400},
		// Single sign-on is off on this server: 404 for everyone; the flow
		// with it on is TestSingleSignOn's (oidc_test.go).
		"GET /auth/oidc/login":    {target: "/auth/oidc/login", ok: 404},
		"GET /auth/oidc/callback": {target: "/auth/oidc/callback?code=x&state=y", ok: 404},
		"GET /auth/tokens":        {target: "/auth/tokens", action: geo.ActManageOwnAccount, ok: 200},
		"POST /auth/tokens":       {target: "/auth/tokens", body: `{"name":"matrix","scope":"read"}`, action: geo.ActManageOwnAccount, ok: 201},
		"DELETE /auth/tokens/:id": {target: "/auth/tokens/999999", action: geo.ActManageOwnAccount, ok: 404},
		"POST /auth/password":     {target: "/auth/password", body: `{}`, action: geo.ActManageOwnAccount, ok: 400},
		"GET /users":              {target: "/users?organisation=1", action: geo.ActListUsers, object: geo.Object{OrganisationID: 1}, ok: 200},
		"POST /users":             {target: "/users", body: `{}`, action: geo.ActManageUsers, ok: 400},
		"PATCH /users/:id":        {target: "/users/1", body: `{"display_name":"x"}`, action: geo.ActManageUsers, ok: 428},
		"POST /users/:id/reset":   {target: "/users/1/reset", action: geo.ActManageUsers, ok: 201},
		"GET /audit":              {target: "/audit", action: geo.ActManageUsers, ok: 200},
		// Writes of activities (A's: organisation 1 leads them). PUT, PATCH
		// and DELETE without If-Match are a 428 for those allowed, after the
		// policy has spoken; the full write paths are TestActivityWrites'.
		"POST /collections/activities/items": {target: "/collections/activities/items", body: matrixActivity,
			action: geo.ActEditActivity, object: geo.Object{OrganisationID: 1}, ok: 201},
		"PUT /collections/activities/items/:id": {target: "/collections/activities/items/" + leadA, body: matrixActivity,
			action: geo.ActEditActivity, object: geo.Object{OrganisationID: 1}, ok: 428},
		"PATCH /collections/activities/items/:id": {target: "/collections/activities/items/" + leadA, body: `{"properties":{"title":"x"}}`,
			hdr: []string{"Content-Type", "application/merge-patch+json"}, action: geo.ActEditActivity, object: geo.Object{OrganisationID: 1}, ok: 428},
		"DELETE /collections/activities/items/:id": {target: "/collections/activities/items/" + leadA,
			action: geo.ActEditActivity, object: geo.Object{OrganisationID: 1}, ok: 428},
		"GET /collections/:collection/items/:id/history": {target: "/collections/activities/items/" + leadA + "/history", action: geo.ActSeeChanges, ok: 200},
		"GET /activities/:id/document":                   {target: "/activities/" + leadA + "/document", action: geo.ActSeeChanges, ok: 200},
		"GET /activities/deleted":                        {target: "/activities/deleted", action: geo.ActAdminister, ok: 200},
		"POST /activities/:id/restore":                   {target: "/activities/999999/restore", action: geo.ActAdminister, ok: 404},
		"GET /vocabularies":                              read("/vocabularies"),
	}
}

// Every route of the router times every viewer: the status each gets.
func TestAuthorisationMatrix(t *testing.T) {
	e := newAccountEnv(t)
	cases := e.routes()
	routes := e.srv.Routes()
	if len(routes) < 35 {
		t.Fatalf("only %d routes", len(routes))
	}
	// Signing out ends the viewers' sessions: last.
	slices.SortStableFunc(routes, func(a, b api.Route) int {
		last := func(r api.Route) int {
			if r.Path == "/auth/logout" {
				return 1
			}
			return 0
		}
		return cmp.Compare(last(a), last(b))
	})
	for _, r := range routes {
		key := r.Method + " " + r.Path
		rc, ok := cases[key]
		if !ok {
			t.Errorf("route %s has no entry in the authorisation matrix", key)
			continue
		}
		for _, v := range e.viewers {
			want := rc.ok
			switch {
			case v.badAuth:
				want = http.StatusUnauthorized
			case rc.action != "" && !geo.Can(v.viewer, rc.action, rc.object):
				want = http.StatusForbidden
				if !v.viewer.SignedIn() {
					want = http.StatusUnauthorized
				}
			}
			body := rc.body
			if key == "POST /auth/login" {
				// A failed sign-in per viewer on an email of its own: five
				// failures on one email are throttled (429), as they should be.
				body = strings.Replace(body, "nobody@", strings.ReplaceAll(v.name, " ", "-")+"@", 1)
			}
			rec := e.do(t, r.Method, rc.target, body, append(append([]string{}, rc.hdr...), v.headers...)...)
			got := rec.Code
			if want == 200 && got == 204 && strings.Contains(r.Path, ":z") {
				got = 200 // an empty tile
			}
			if got != want {
				t.Errorf("%s as %s: %d, want %d (%.200s)", key, v.name, rec.Code, want, rec.Body)
			}
			if rec.Code >= 400 && r.Method != http.MethodHead && !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/problem+json") {
				t.Errorf("%s as %s: %d is not a problem document", key, v.name, rec.Code)
			}
			if v.badAuth && rec.Header().Get("WWW-Authenticate") == "" {
				t.Errorf("%s as %s: 401 without WWW-Authenticate", key, v.name)
			}
		}
	}
}

// /auth/me tells every viewer who it is, and always with 200.
func TestMe(t *testing.T) {
	e := newAccountEnv(t)
	for _, v := range e.viewers {
		if v.badAuth {
			continue
		}
		rec := e.do(t, http.MethodGet, "/auth/me", "", v.headers...)
		var me struct {
			SignedIn bool     `json:"signed_in"`
			User     geo.User `json:"user"`
			Via      string   `json:"via"`
			Scope    string   `json:"scope"`
		}
		if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &me) != nil {
			t.Fatalf("%s: %d %s", v.name, rec.Code, rec.Body)
		}
		if me.SignedIn != v.viewer.SignedIn() || (me.SignedIn && (me.User.ID != v.viewer.UserID || me.Scope != string(v.viewer.Scope))) {
			t.Errorf("%s: %s", v.name, rec.Body)
		}
		if me.SignedIn && (me.Via == "token") != (v.viewer.Scope != "") {
			t.Errorf("%s: via %q", v.name, me.Via)
		}
		// A dead cookie is cleared by the answer.
		if v.name == "forged cookie" || v.name == "disabled user" {
			if sc := rec.Header().Get("Set-Cookie"); !strings.Contains(sc, "cg_session=;") || !strings.Contains(sc, "Max-Age=0") {
				t.Errorf("%s: the cookie is not cleared: %q", v.name, sc)
			}
		}
	}
}

// Sign-in sets the one cookie with its settings; sign-out clears it and
// ends the session; the Secure rule follows the host.
func TestSessionCookie(t *testing.T) {
	e := newAccountEnv(t)
	e.addUser(t, "cookie@example.org", 1, geo.UserViewer, "a long enough password")
	login := `{"email":"cookie@example.org","password":"a long enough password"}`
	for _, tc := range []struct {
		host   string
		secure bool
	}{{"localhost:8080", false}, {"127.0.0.1", false}, {"[::1]:8080", false}, {"map.example.org", true}} {
		req := httptest.NewRequest(http.MethodPost, "http://"+tc.host+"/auth/login", strings.NewReader(login))
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		sc := rec.Header().Get("Set-Cookie")
		if rec.Code != 200 || !strings.HasPrefix(sc, "cg_session=cgs_") || !strings.Contains(sc, "HttpOnly") ||
			!strings.Contains(sc, "SameSite=Lax") || !strings.Contains(sc, "Path=/") || strings.Contains(sc, "Secure") != tc.secure {
			t.Errorf("%s: %d %q", tc.host, rec.Code, sc)
		}
		if rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("sign-in answer may be stored: %q", rec.Header().Get("Cache-Control"))
		}
	}
	rec := e.do(t, http.MethodPost, "/auth/login", login)
	cookie := strings.SplitN(rec.Header().Get("Set-Cookie"), ";", 2)[0]
	if rec := e.do(t, http.MethodGet, "/auth/me", "", "Cookie", cookie); !strings.Contains(rec.Body.String(), `"signed_in":true`) {
		t.Fatalf("not signed in: %s", rec.Body)
	}
	rec = e.do(t, http.MethodPost, "/auth/logout", "", "Cookie", cookie)
	if rec.Code != 204 || !strings.Contains(rec.Header().Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("logout: %d %q", rec.Code, rec.Header().Get("Set-Cookie"))
	}
	if rec := e.do(t, http.MethodGet, "/auth/me", "", "Cookie", cookie); !strings.Contains(rec.Body.String(), `"signed_in":false`) {
		t.Errorf("the session outlived sign-out: %s", rec.Body)
	}
	p := problemOf(t, e.do(t, http.MethodPost, "/auth/login", `{"email":"cookie@example.org","password":"wrong"}`), 401)
	if p.Code != geo.EUnauthorized {
		t.Errorf("bad password: %+v", p)
	}
}

// A cross-origin browser POST with a cookie is refused with a problem; a
// same-origin one and one with a bearer token (no cookie) pass.
func TestCrossOriginProtection(t *testing.T) {
	e := newAccountEnv(t)
	cookie := e.viewers[2].headers
	write := e.viewers[6].headers
	body := `{"name":"csrf","scope":"read"}`
	rec := e.do(t, http.MethodPost, "http://map.example.org/auth/tokens", body, append([]string{"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}, cookie...)...)
	if p := problemOf(t, rec, 403); p.Code != geo.EForbidden {
		t.Errorf("cross-origin: %+v", p)
	}
	rec = e.do(t, http.MethodPost, "http://map.example.org/auth/tokens", body, append([]string{"Origin", "http://map.example.org", "Sec-Fetch-Site", "same-origin"}, cookie...)...)
	if rec.Code != 201 {
		t.Errorf("same-origin: %d %s", rec.Code, rec.Body)
	}
	// A write token may not make tokens (403 from the policy, not CSRF),
	// but it may sign out from anywhere: the protection lets it through.
	rec = e.do(t, http.MethodPost, "http://map.example.org/auth/logout", "", append([]string{"Origin", "https://script.example", "Sec-Fetch-Site", "cross-site"}, write...)...)
	if rec.Code != 204 {
		t.Errorf("bearer cross-origin: %d %s", rec.Code, rec.Body)
	}
	// Reads are never refused.
	rec = e.do(t, http.MethodGet, "http://map.example.org/auth/me", "", append([]string{"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}, cookie...)...)
	if rec.Code != 200 {
		t.Errorf("cross-origin GET: %d", rec.Code)
	}
}

// Hostile cookies, tokens and login bodies: never a 500, never a panic.
func TestHostileAccountInput(t *testing.T) {
	e := newAccountEnv(t)
	huge := strings.Repeat("A", 100_000)
	values := []string{"", " ", "cgs_", "cgt_", huge, "cgs_" + huge, "\x00\x01", "ключ-🔑", "' OR 1=1 --", "'; DROP TABLE users; --",
		"cgs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "%ZZ", "a=b; c=d", `"quoted"`}
	check := func(what string, rec *httptest.ResponseRecorder) {
		t.Helper()
		if rec.Code >= 500 {
			t.Errorf("%s: %d %s", what, rec.Code, rec.Body)
		}
	}
	for _, v := range values {
		short := v
		if len(short) > 20 {
			short = short[:20]
		}
		req := httptest.NewRequest(http.MethodGet, "/auth/me", nil)
		req.Header.Set("Cookie", "cg_session="+v)
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		check("cookie "+short, rec)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"signed_in":false`) {
			t.Errorf("cookie %q: %d %s", short, rec.Code, rec.Body)
		}
		for _, h := range []string{"Bearer " + v, v, "Basic " + v, "bearer  " + v} {
			if strings.TrimSpace(h) == "" {
				continue
			}
			rec := e.do(t, http.MethodGet, "/collections", "", "Authorization", h)
			check("authorization "+short, rec)
			if rec.Code != 401 {
				t.Errorf("Authorization %q: %d, want 401", h[:min(len(h), 30)], rec.Code)
			}
		}
	}
	bodies := map[string]int{
		``: 400, `{`: 400, `[]`: 400, `null`: 400, `"x"`: 400, `{"email":1}`: 400, `{"email":"a@b","password":"p","extra":1}`: 400,
		`{"email":"a@b","password":"p"} {}`: 400, `{"email":"` + huge + `","password":"p"}`: 400, `{"email":"a@b","password":"` + huge + `"}`: 400,
		`{"email":"' OR 1=1 --@x","password":"' OR 1=1 --"}`: 401, `{"email":"ключ@пример.рф","password":"🔑🔑🔑"}`: 401,
		`{"email":"a@b","password":"\u0000"}`: 401, `{"email":"","password":""}`: 400,
	}
	for body, want := range bodies {
		rec := e.do(t, http.MethodPost, "/auth/login", body)
		check("login", rec)
		if rec.Code != want {
			t.Errorf("login %.60q: %d, want %d %s", body, rec.Code, want, rec.Body)
		}
	}
	// An unknown field is named by its pointer.
	p := problemOf(t, e.do(t, http.MethodPost, "/auth/login", `{"email":"a@b","password":"p","remember":true}`), 400)
	if len(p.Errors) != 1 || p.Errors[0].Pointer != "/remember" {
		t.Errorf("unknown field: %+v", p.Errors)
	}
}

// FuzzLoginBody: whatever the body, the login handler answers without a
// 500 or a panic.
func FuzzLoginBody(f *testing.F) {
	for _, s := range []string{``, `{}`, `{"email":"a@b","password":"p"}`, `{"email":null}`, `[1,2]`, `{"email":"\ud800"}`} {
		f.Add(s)
	}
	s, err := postgis.Open(context.Background(), postgis.Config{URL: pgtest.New(f, pgtest.Demo)})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(s.Close)
	// The deadline is generous: a sign-in waits for one of the process's
	// two argon2id slots, which the package's parallel tests also use.
	srv := api.New(s, slog.New(slog.NewTextHandler(io.Discard, nil)),
		api.Config{HandlerTimeout: time.Minute, MaxBodyBytes: 1 << 16}, nil, prometheus.NewRegistry(), prometheus.NewRegistry())
	f.Fuzz(func(t *testing.T, body string) {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/auth/login", strings.NewReader(body)))
		if rec.Code >= 500 {
			t.Errorf("%q: %d %s", body, rec.Code, rec.Body)
		}
	})
}

// PATCH /users/{id}: 428 without If-Match, 412 with the current version
// when stale, 200 with the new version as ETag when current.
func TestUpdateUserPreconditions(t *testing.T) {
	e := newAccountEnv(t)
	sec := e.viewers[4].headers
	target := "/users/" + strconv.FormatInt(e.viewers[1].viewer.UserID, 10) // the viewer of A, at version 1
	if p := problemOf(t, e.do(t, http.MethodPatch, target, `{"role":"editor"}`, sec...), 428); p.Code != geo.EInvalid {
		t.Errorf("428: %+v", p)
	}
	p := problemOf(t, e.do(t, http.MethodPatch, target, `{"role":"editor"}`, append([]string{"If-Match", `"99"`}, sec...)...), 412)
	if p.CurrentVersion == nil || *p.CurrentVersion != 1 {
		t.Errorf("412 without the current version: %+v", p)
	}
	rec := e.do(t, http.MethodPatch, target, `{"role":"editor"}`, append([]string{"If-Match", `"1"`}, sec...)...)
	if rec.Code != 200 || rec.Header().Get("ETag") != `"2"` || !strings.Contains(rec.Body.String(), `"role":"editor"`) {
		t.Errorf("patch: %d %q %s", rec.Code, rec.Header().Get("ETag"), rec.Body)
	}
	if p := problemOf(t, e.do(t, http.MethodPatch, target, `{"role":"king"}`, append([]string{"If-Match", `"2"`}, sec...)...), 400); len(p.Errors) == 0 || p.Errors[0].Pointer != "/role" {
		t.Errorf("bad role: %+v", p)
	}
	rec = e.do(t, http.MethodPost, "/users", `{"email":"new@example.org","display_name":"New","organisation_id":1,"role":"viewer"}`, sec...)
	if rec.Code != 201 || !strings.Contains(rec.Body.String(), `"link":"http://example.com/#/accept?link=cgl_`) {
		t.Errorf("invite: %d %s", rec.Code, rec.Body)
	}
}

// A member's answers never reach an anonymous request: data answers for
// members are private and vary on Cookie and Authorization, and the tile
// and stats caches, cold and warm, give anonymous requests the same bytes
// before and after members browsed.
func TestNoCacheCrossing(t *testing.T) {
	e := newAccountEnv(t)
	paths := []string{"/stats", "/stats?group_by=country", "/tiles/activities/2/2/1.mvt", "/tiles/activities/6/37/31.mvt",
		"/tiles/clusters/2/2/1.mvt", "/collections/activities/items?limit=50", "/search?q=water"}
	anon := func() map[string][]byte {
		out := map[string][]byte{}
		for _, p := range paths {
			rec := e.do(t, http.MethodGet, p, "")
			if rec.Code >= 300 || !strings.HasPrefix(rec.Header().Get("Cache-Control"), "public") {
				t.Fatalf("%s: %d %q", p, rec.Code, rec.Header().Get("Cache-Control"))
			}
			out[p] = timeStamp.ReplaceAll(rec.Body.Bytes(), nil) // the one part that moves with the clock
		}
		return out
	}
	member := func() {
		for _, v := range e.viewers[1:7] {
			for _, p := range paths {
				rec := e.do(t, http.MethodGet, p, "", v.headers...)
				if rec.Code >= 300 || !strings.HasPrefix(rec.Header().Get("Cache-Control"), "private") ||
					!strings.Contains(rec.Header().Get("Vary"), "Cookie, Authorization") {
					t.Errorf("%s as %s: %d %q %q", p, v.name, rec.Code, rec.Header().Get("Cache-Control"), rec.Header().Get("Vary"))
				}
			}
		}
	}
	member() // members first: the caches are cold for anonymous requests
	first := anon()
	member() // and warm
	second := anon()
	for _, p := range paths {
		if !bytes.Equal(first[p], second[p]) {
			t.Errorf("%s: the anonymous answer changed after members browsed", p)
		}
	}
	// And the member's stats differ from the public ones: the test could
	// see a crossing.
	rec := e.do(t, http.MethodGet, "/stats", "", e.viewers[4].headers...)
	if bytes.Equal(rec.Body.Bytes(), first["/stats"]) {
		t.Error("the secretariat's stats equal the public ones: nothing tested")
	}
}

var timeStamp = regexp.MustCompile(`"timeStamp":"[^"]*"`)

func problemOf(t *testing.T, rec *httptest.ResponseRecorder, status int) api.Problem {
	t.Helper()
	return problem(t, rec, status)
}
