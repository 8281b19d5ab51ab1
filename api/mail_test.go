package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/commonground/commonground/api"
	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/internal/mail"
	"github.com/commonground/commonground/internal/mail/mailtest"
	"github.com/commonground/commonground/internal/pgtest"
)

// mailEnv serves a fresh database with a mailer to addr.
func mailEnv(t *testing.T, addr string) env {
	t.Helper()
	dbURL := pgtest.New(t, pgtest.Demo)
	s, err := postgis.Open(context.Background(), postgis.Config{URL: dbURL})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	m, err := mail.New(mail.Config{URL: "smtp://" + addr, From: "CommonGround <noreply@example.org>"})
	if err != nil {
		t.Fatal(err)
	}
	logs := new(bytes.Buffer)
	reg := prometheus.NewRegistry()
	h := api.New(s, slog.New(slog.NewJSONHandler(logs, nil)), api.Config{HandlerTimeout: time.Minute, MaxBodyBytes: 1 << 20, Mailer: m}, nil, reg, reg)
	return env{srv: h, logs: logs, store: s}
}

func signInAdmin(t *testing.T, e env, name string) []string {
	t.Helper()
	if _, err := e.store.CreateAdmin(context.Background(), "admin@example.org", name, "admin password 123"); err != nil {
		t.Fatal(err)
	}
	res := e.doBody(t, http.MethodPost, "/auth/login", strings.NewReader(`{"email":"admin@example.org","password":"admin password 123"}`)).Result()
	if res.StatusCode != 200 || len(res.Cookies()) != 1 {
		t.Fatalf("login: %d", res.StatusCode)
	}
	return []string{"Cookie", "cg_session=" + res.Cookies()[0].Value}
}

type linkAnswer struct {
	Link string
	User struct{ ID int64 }
	Mail *struct {
		Sent  bool
		To    string
		Error string
	}
}

// TestInvitationMailed: with a relay, the invitation and the reset link
// are mailed to the person (subject, link, inviter, expiry; a hostile
// inviter name adds no header) and the answer still has the link.
func TestInvitationMailed(t *testing.T) {
	addr, got := mailtest.Server(t)
	e := mailEnv(t, addr)
	admin := signInAdmin(t, e, "Sec\r\nBcc: victim@example.net")
	rec := e.doBody(t, http.MethodPost, "/users", strings.NewReader(`{"email":"New.Person@example.org","display_name":"New","organisation_id":1,"role":"editor"}`), admin...)
	var a linkAnswer
	if rec.Code != 201 || json.Unmarshal(rec.Body.Bytes(), &a) != nil || !strings.Contains(a.Link, "link=cgl_") {
		t.Fatalf("invite: %d %s", rec.Code, rec.Body)
	}
	if a.Mail == nil || !a.Mail.Sent || a.Mail.To != "New.Person@example.org" {
		t.Fatalf("mail = %+v", a.Mail)
	}
	m := <-got
	if m.To != "RCPT TO:<New.Person@example.org>" {
		t.Errorf("recipient %q", m.To)
	}
	if s := m.Header.Get("Subject"); !strings.Contains(s, "invitation to CommonGround") {
		t.Errorf("subject %q", s)
	}
	if m.Header.Get("Bcc") != "" {
		t.Errorf("injected Bcc: %q", m.Header.Get("Bcc"))
	}
	body := strings.ReplaceAll(m.Body, "\r\n", "\n")
	if !strings.Contains(body, a.Link) || !strings.Contains(body, "Sec  Bcc: victim@example.net has invited you") || !strings.Contains(body, "expires on") {
		t.Errorf("body:\n%s", body)
	}

	rec = e.doBody(t, http.MethodPost, "/users/"+itoa(a.User.ID)+"/reset", nil, admin...)
	var r linkAnswer
	if rec.Code != 201 || json.Unmarshal(rec.Body.Bytes(), &r) != nil || r.Mail == nil || !r.Mail.Sent {
		t.Fatalf("reset: %d %s", rec.Code, rec.Body)
	}
	if m := <-got; !strings.Contains(strings.ReplaceAll(m.Body, "\r\n", "\n"), r.Link) || m.To != "RCPT TO:<New.Person@example.org>" {
		t.Errorf("reset mail %q:\n%s", m.To, m.Body)
	}
}

// TestInvitationMailFails: a relay that is not there gives "sent": false
// with a reason, and the invitation exists and its link works.
func TestInvitationMailFails(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	e := mailEnv(t, addr)
	admin := signInAdmin(t, e, "Sec")
	rec := e.doBody(t, http.MethodPost, "/users", strings.NewReader(`{"email":"x@example.org","display_name":"X","organisation_id":1,"role":"viewer"}`), admin...)
	var a linkAnswer
	if rec.Code != 201 || json.Unmarshal(rec.Body.Bytes(), &a) != nil {
		t.Fatalf("invite: %d %s", rec.Code, rec.Body)
	}
	if a.Mail == nil || a.Mail.Sent || a.Mail.Error == "" || a.Mail.To != "x@example.org" {
		t.Fatalf("mail = %+v", a.Mail)
	}
	link := a.Link[strings.Index(a.Link, "cgl_"):]
	rec = e.doBody(t, http.MethodPost, "/auth/accept", strings.NewReader(`{"link":"`+link+`","password":"member password 1"}`))
	if rec.Code != 200 {
		t.Fatalf("accept after a failed mail: %d %s", rec.Code, rec.Body)
	}
}

// TestSignInThrottledHTTP: the sixth wrong password for one email is a 429
// with Retry-After and a problem+json body.
func TestSignInThrottledHTTP(t *testing.T) {
	e := newEnv(t, pgtest.New(t, pgtest.Demo), postgis.Config{}, nil)
	if _, err := e.store.CreateAdmin(context.Background(), "admin@example.org", "Admin", "admin password 123"); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		rec := e.doBody(t, http.MethodPost, "/auth/login", strings.NewReader(`{"email":"admin@example.org","password":"wrong password"}`))
		if p := problem(t, rec, 401); p.Code != "unauthorized" {
			t.Fatalf("failure %d: %+v", i, p)
		}
	}
	rec := e.doBody(t, http.MethodPost, "/auth/login", strings.NewReader(`{"email":"Admin@example.org","password":"admin password 123"}`))
	p := problem(t, rec, 429)
	if p.Code != "too_many_requests" {
		t.Errorf("code %q", p.Code)
	}
	if ra := rec.Header().Get("Retry-After"); ra == "" {
		t.Error("no Retry-After")
	}
}
