package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/internal/pgtest"
)

// The whole account flow over HTTP on the real store: the first
// administrator signs in, makes a token, invites a member, the member
// accepts the link and signs in; a patch needs the version; a revoked
// token is a 401.
func TestAccountFlowOnPostGIS(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, pgtest.New(t, pgtest.Demo), postgis.Config{}, nil)
	if _, err := e.store.CreateAdmin(ctx, "admin@example.org", "Admin", "admin password 123"); err != nil {
		t.Fatal(err)
	}
	post := func(path, body string, hdr ...string) *http.Response {
		t.Helper()
		req := strings.NewReader(body)
		rec := e.doBody(t, http.MethodPost, path, req, hdr...)
		return rec.Result()
	}
	res := post("/auth/login", `{"email":"admin@example.org","password":"admin password 123"}`)
	if res.StatusCode != 200 || len(res.Cookies()) != 1 {
		t.Fatalf("login: %d", res.StatusCode)
	}
	admin := []string{"Cookie", "cg_session=" + res.Cookies()[0].Value}
	if p := problem(t, e.do(t, http.MethodPost, "/auth/login", "Content-Type", "application/json"), 400); p.Code != "invalid" {
		t.Errorf("empty body: %+v", p)
	}
	rec := e.doBody(t, http.MethodPost, "/auth/login", strings.NewReader(`{"email":"admin@example.org","password":"wrong"}`))
	if p := problem(t, rec, 401); p.Code != "unauthorized" {
		t.Errorf("wrong password: %+v", p)
	}

	rec = e.doBody(t, http.MethodPost, "/auth/tokens", strings.NewReader(`{"name":"script","scope":"read"}`), admin...)
	var tok struct {
		Secret string
		Token  struct{ ID int64 }
	}
	if rec.Code != 201 || json.Unmarshal(rec.Body.Bytes(), &tok) != nil || !strings.HasPrefix(tok.Secret, "cgt_") {
		t.Fatalf("token: %d %s", rec.Code, rec.Body)
	}
	bearer := []string{"Authorization", "Bearer " + tok.Secret}
	if rec := e.do(t, http.MethodGet, "/auth/me", bearer...); !strings.Contains(rec.Body.String(), `"via":"token"`) {
		t.Errorf("me by token: %s", rec.Body)
	}

	rec = e.doBody(t, http.MethodPost, "/users", strings.NewReader(`{"email":"member@example.org","display_name":"M","organisation_id":1,"role":"editor"}`), admin...)
	var inv struct {
		Link string
		User struct {
			ID      int64
			Version int
		}
	}
	if rec.Code != 201 || json.Unmarshal(rec.Body.Bytes(), &inv) != nil || !strings.Contains(inv.Link, "link=cgl_") {
		t.Fatalf("invite: %d %s", rec.Code, rec.Body)
	}
	link := inv.Link[strings.Index(inv.Link, "cgl_"):]
	rec = e.doBody(t, http.MethodPost, "/auth/accept", strings.NewReader(`{"link":"`+link+`","password":"member password 1"}`))
	if rec.Code != 200 || !strings.Contains(rec.Header().Get("Set-Cookie"), "cg_session=cgs_") {
		t.Fatalf("accept: %d %s", rec.Code, rec.Body)
	}
	if rec := e.doBody(t, http.MethodPost, "/auth/accept", strings.NewReader(`{"link":"`+link+`","password":"member password 1"}`)); rec.Code < 400 || rec.Code >= 500 {
		t.Errorf("a link used twice: %d", rec.Code)
	}
	if rec := e.doBody(t, http.MethodPatch, "/users/"+itoa(inv.User.ID), strings.NewReader(`{"role":"viewer"}`), admin...); rec.Code != 428 {
		t.Errorf("patch without If-Match: %d", rec.Code)
	}
	if rec := e.doBody(t, http.MethodPatch, "/users/"+itoa(inv.User.ID), strings.NewReader(`{"role":"viewer"}`), append([]string{"If-Match", `"99"`}, admin...)...); rec.Code != 412 {
		t.Errorf("stale patch: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do(t, http.MethodDelete, "/auth/tokens/"+itoa(tok.Token.ID), admin...); rec.Code != 204 {
		t.Errorf("revoke: %d", rec.Code)
	}
	if rec := e.do(t, http.MethodGet, "/collections", bearer...); rec.Code != 401 {
		t.Errorf("a revoked token: %d", rec.Code)
	}
	if rec := e.do(t, http.MethodGet, "/audit", admin...); rec.Code != 200 || !strings.Contains(rec.Body.String(), "token.revoked") {
		t.Errorf("audit: %d %.300s", rec.Code, rec.Body)
	}
}
