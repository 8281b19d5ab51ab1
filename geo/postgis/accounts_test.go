package postgis_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/internal/pgtest"
)

const adminPW = "admin password long enough"

type accounts struct {
	s      *postgis.Store
	dbURL  string
	admin  geo.User
	org1   int64
	org2   int64
	client geo.Client
}

func newAccounts(t *testing.T) *accounts {
	t.Helper()
	ctx := context.Background()
	a := &accounts{dbURL: pgtest.New(t, pgtest.Demo), client: geo.Client{Address: netip.MustParseAddr("192.0.2.1"), UserAgent: "test"}}
	a.s = open(t, a.dbURL)
	if err := connect(t, a.dbURL).QueryRow(ctx, `SELECT min(id), max(id) FROM organisations`).Scan(&a.org1, &a.org2); err != nil || a.org1 == a.org2 {
		t.Fatalf("organisations: %d %d %v", a.org1, a.org2, err)
	}
	var err error
	if a.admin, err = a.s.CreateAdmin(ctx, "admin@example.org", "Admin", adminPW); err != nil {
		t.Fatal(err)
	}
	return a
}

func (a *accounts) adminViewer() geo.Viewer { return a.admin.Viewer("") }

// member invites a user and sets its password through the invitation.
func (a *accounts) member(t *testing.T, email string, org int64, role geo.UserRole, pw string) geo.User {
	t.Helper()
	ctx := context.Background()
	_, link, _, err := a.s.InviteUser(ctx, a.adminViewer(), geo.NewUser{Email: email, DisplayName: email, OrganisationID: org, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	_, u, err := a.s.UseLink(ctx, link, pw, a.client)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (a *accounts) exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	if _, err := connect(t, a.dbURL).Exec(context.Background(), sql, args...); err != nil {
		t.Fatal(err)
	}
}

func (a *accounts) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := connect(t, a.dbURL).QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func code(err error) geo.Code { return geo.ErrorCode(err) }

func TestSignIn(t *testing.T) {
	ctx := context.Background()
	a := newAccounts(t)
	m := a.member(t, "m@example.org", a.org1, geo.UserEditor, "member password 1")
	_, _, _, err := a.s.InviteUser(ctx, a.adminViewer(), geo.NewUser{Email: "nopw@example.org", DisplayName: "N", OrganisationID: a.org1, Role: geo.UserViewer})
	if err != nil {
		t.Fatal(err)
	}
	off := a.member(t, "off@example.org", a.org1, geo.UserViewer, "disabled password")
	if _, err := a.s.UpdateUser(ctx, a.adminViewer(), off.ID, off.Version, geo.UserPatch{Disabled: new(true)}); err != nil {
		t.Fatal(err)
	}
	sess, u, err := a.s.SignIn(ctx, "M@Example.org ", "member password 1", a.client)
	if err != nil || u.ID != m.ID || u.LastSignInAt == nil {
		t.Fatalf("SignIn ok = %v, %+v", err, u)
	}
	if got, err := a.s.SessionUser(ctx, sess); err != nil || got.ID != m.ID {
		t.Fatalf("SessionUser = %v, %v", got.ID, err)
	}
	for name, c := range map[string][2]string{
		"wrong password": {"m@example.org", "member password 2"},
		"unknown email":  {"who@example.org", "member password 1"},
		"no password":    {"nopw@example.org", "member password 1"},
		"disabled":       {"off@example.org", "disabled password"},
		"empty":          {"", ""},
		"SQL":            {"' OR 1=1 --", "' OR 1=1 --"},
	} {
		if sess, _, err := a.s.SignIn(ctx, c[0], c[1], geo.Client{}); code(err) != geo.EUnauthorized || sess != "" {
			t.Errorf("%s: SignIn = %q, %v; want unauthorized", name, sess, err)
		}
	}
	if n := a.count(t, `SELECT count(*) FROM audit_log WHERE event = 'sign_in'`); n != 1 {
		t.Errorf("%d sign_in audit rows, want 1", n)
	}
	if n := a.count(t, `SELECT count(*) FROM audit_log WHERE event = 'sign_in.failed'`); n != 6 {
		t.Errorf("%d sign_in.failed audit rows, want 6", n)
	}
	if n := a.count(t, `SELECT count(*) FROM sign_in_attempts WHERE NOT ok`); n != 6 {
		t.Errorf("%d failed attempts, want 6", n)
	}
}

func TestSignInThrottled(t *testing.T) {
	ctx := context.Background()
	a := newAccounts(t)
	other := geo.Client{Address: netip.MustParseAddr("198.51.100.7")}
	for i := range 5 {
		if _, _, err := a.s.SignIn(ctx, "admin@example.org", "wrong password!!", geo.Client{Address: netip.MustParseAddr("203.0.113." + string(rune('1'+i)))}); code(err) != geo.EUnauthorized {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	// Per email: even the right password from another address is refused.
	if _, _, err := a.s.SignIn(ctx, "ADMIN@example.org", adminPW, other); code(err) != geo.ETooMany {
		t.Fatalf("sixth attempt = %v, want too many", err)
	}
	if n := a.count(t, `SELECT count(*) FROM audit_log WHERE event = 'sign_in.throttled'`); n != 1 {
		t.Errorf("%d throttled audit rows", n)
	}
	// The window passes.
	a.exec(t, `UPDATE sign_in_attempts SET at = at - interval '16 minutes'`)
	if _, _, err := a.s.SignIn(ctx, "admin@example.org", adminPW, other); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	// Per address: 50 failures from one address (inserted, not hashed).
	a.exec(t, `INSERT INTO sign_in_attempts (email, address, ok) SELECT 'x' || g || '@example.org', '198.51.100.9', false FROM generate_series(1, 50) g`)
	if _, _, err := a.s.SignIn(ctx, "admin@example.org", adminPW, geo.Client{Address: netip.MustParseAddr("198.51.100.9")}); code(err) != geo.ETooMany {
		t.Fatalf("address throttle = %v", err)
	}
}

func TestSessionLifetime(t *testing.T) {
	ctx := context.Background()
	a := newAccounts(t)
	signIn := func() string {
		sess, _, err := a.s.SignIn(ctx, "admin@example.org", adminPW, a.client)
		if err != nil {
			t.Fatal(err)
		}
		return sess
	}
	live := func(sess string) bool {
		_, err := a.s.SessionUser(ctx, sess)
		if err != nil && code(err) != geo.EUnauthorized {
			t.Fatal(err)
		}
		return err == nil
	}
	idle := signIn()
	a.exec(t, `UPDATE sessions SET last_seen_at = now() - interval '13 hours', created_at = now() - interval '13 hours'`)
	if live(idle) {
		t.Error("a session idle for 13 h is live")
	}
	abs := signIn()
	a.exec(t, `UPDATE sessions SET expires_at = now() - interval '1 second' WHERE last_seen_at > now() - interval '1 minute'`)
	if live(abs) {
		t.Error("a session past expires_at is live")
	}
	seen := signIn()
	a.exec(t, `UPDATE sessions SET last_seen_at = now() - interval '2 hours', expires_at = now() + interval '1 day' WHERE revoked_at IS NULL AND expires_at > now() - interval '1 hour' AND last_seen_at > now() - interval '1 minute'`)
	if !live(seen) {
		t.Fatal("a session seen 2 h ago is not live")
	}
	if n := a.count(t, `SELECT count(*) FROM sessions WHERE last_seen_at > now() - interval '1 minute'`); n != 1 {
		t.Errorf("last_seen_at did not move (%d recent)", n)
	}
	out := signIn()
	if err := a.s.SignOut(ctx, out, a.client); err != nil || live(out) {
		t.Fatalf("SignOut = %v; live after = %v", err, live(out))
	}
	for _, bad := range []string{"", "cgs_", "cgt_" + out[4:], out + "x", "cgs_' OR 1=1 --"} {
		if live(bad) {
			t.Errorf("SessionUser(%q) is live", bad)
		}
	}
	// Changing the password ends every session and opens one.
	s1, s2 := signIn(), signIn()
	next, err := a.s.ChangePassword(ctx, a.adminViewer(), adminPW, "a new admin password", a.client)
	if err != nil || live(s1) || live(s2) || !live(next) {
		t.Fatalf("ChangePassword = %v; old live %v %v, new live %v", err, live(s1), live(s2), live(next))
	}
	if _, err := a.s.ChangePassword(ctx, a.adminViewer(), "wrong current pw", "another new password", a.client); code(err) != geo.EUnauthorized {
		t.Errorf("ChangePassword with a wrong current = %v", err)
	}
}

func TestDisablingRevokes(t *testing.T) {
	ctx := context.Background()
	a := newAccounts(t)
	m := a.member(t, "m@example.org", a.org1, geo.UserEditor, "member password 1")
	sess, _, err := a.s.SignIn(ctx, "m@example.org", "member password 1", a.client)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := a.s.CreateToken(ctx, m.Viewer(""), "ci", geo.ScopeWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.s.UpdateUser(ctx, a.adminViewer(), m.ID, m.Version, geo.UserPatch{Disabled: new(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.s.SessionUser(ctx, sess); code(err) != geo.EUnauthorized {
		t.Errorf("session after disabling = %v", err)
	}
	if _, _, err := a.s.TokenUser(ctx, tok); code(err) != geo.EUnauthorized {
		t.Errorf("token after disabling = %v", err)
	}
	if n := a.count(t, `SELECT count(*) FROM audit_log WHERE event = 'user.disabled' AND subject_id = $1`, m.ID); n != 1 {
		t.Errorf("%d user.disabled rows", n)
	}
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	a := newAccounts(t)
	m := a.member(t, "m@example.org", a.org1, geo.UserEditor, "member password 1")
	o := a.member(t, "o@example.org", a.org1, geo.UserEditor, "member password 2")
	mv := m.Viewer("")
	read, rt, err := a.s.CreateToken(ctx, mv, "reader", geo.ScopeRead, nil)
	if err != nil || rt.Scope != geo.ScopeRead || rt.Prefix != read[:8] {
		t.Fatalf("CreateToken = %+v, %v", rt, err)
	}
	write, _, err := a.s.CreateToken(ctx, mv, "writer", geo.ScopeWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := a.count(t, `SELECT count(*) FROM api_tokens WHERE hash = sha256(convert_to($1, 'UTF8'))`, read); n != 1 {
		t.Fatal("the token is not kept as the SHA-256 of its secret")
	}
	u, got, err := a.s.TokenUser(ctx, read)
	if err != nil || u.ID != m.ID || got.Scope != geo.ScopeRead || got.LastUsedAt == nil {
		t.Fatalf("TokenUser(read) = %d %+v %v", u.ID, got, err)
	}
	if geo.Can(u.Viewer(got.Scope), geo.ActEditActivity, geo.Object{OrganisationID: a.org1}) {
		t.Error("a read token may edit")
	}
	if _, got, _ := a.s.TokenUser(ctx, write); got.Scope != geo.ScopeWrite {
		t.Errorf("write token scope = %q", got.Scope)
	}
	a.exec(t, `UPDATE api_tokens SET last_used_at = now() - interval '1 hour'`)
	if _, got, _ := a.s.TokenUser(ctx, read); got.LastUsedAt == nil || time.Since(*got.LastUsedAt) > time.Minute {
		t.Errorf("last_used_at did not move: %v", got.LastUsedAt)
	}
	past := time.Now().Add(-time.Hour)
	if _, _, err := a.s.CreateToken(ctx, mv, "old", geo.ScopeRead, &past); code(err) != geo.EInvalid {
		t.Errorf("CreateToken expired = %v", err)
	}
	if _, _, err := a.s.CreateToken(ctx, u.Viewer(geo.ScopeWrite), "by token", geo.ScopeRead, nil); code(err) != geo.EForbidden {
		t.Errorf("CreateToken by a token = %v", err)
	}
	soon, st, _ := a.s.CreateToken(ctx, mv, "soon", geo.ScopeRead, new(time.Now().Add(time.Hour)))
	a.exec(t, `UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, st.ID)
	if _, _, err := a.s.TokenUser(ctx, soon); code(err) != geo.EUnauthorized {
		t.Errorf("expired token = %v", err)
	}
	// Another member cannot revoke m's token; m and the secretariat can.
	if err := a.s.RevokeToken(ctx, o.Viewer(""), rt.ID); code(err) != geo.ENotFound {
		t.Fatalf("RevokeToken by another member = %v", err)
	}
	if _, _, err := a.s.TokenUser(ctx, read); err != nil {
		t.Fatalf("token revoked by another member: %v", err)
	}
	if err := a.s.RevokeToken(ctx, mv, rt.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.s.TokenUser(ctx, read); code(err) != geo.EUnauthorized {
		t.Errorf("revoked token = %v", err)
	}
	list, err := a.s.Tokens(ctx, mv)
	if err != nil || len(list) != 3 || list[len(list)-1].RevokedAt == nil {
		t.Errorf("Tokens = %d, %v", len(list), err)
	}
	for _, bad := range []string{"", "cgt_", "Bearer " + write, write[:46], "cgs_" + write[4:]} {
		if _, _, err := a.s.TokenUser(ctx, bad); code(err) != geo.EUnauthorized {
			t.Errorf("TokenUser(%q) = %v", bad, err)
		}
	}
	if n := a.count(t, `SELECT count(*) FROM audit_log WHERE event IN ('token.made', 'token.revoked')`); n != 4 {
		t.Errorf("%d token audit rows, want 4 (3 made, 1 revoked)", n)
	}
}

func TestUsers(t *testing.T) {
	ctx := context.Background()
	a := newAccounts(t)
	m := a.member(t, "m@example.org", a.org1, geo.UserViewer, "member password 1")
	a.member(t, "x@example.org", a.org2, geo.UserViewer, "member password 2")
	own, err := a.s.Users(ctx, m.Viewer(""), 0)
	if err != nil || len(own) != 1 || own[0].ID != m.ID {
		t.Fatalf("member's Users = %d, %v", len(own), err)
	}
	if _, err := a.s.Users(ctx, m.Viewer(""), a.org2); code(err) != geo.EForbidden {
		t.Errorf("member's Users of another organisation = %v", err)
	}
	if all, err := a.s.Users(ctx, a.adminViewer(), 0); err != nil || len(all) != 3 {
		t.Errorf("secretariat's Users = %d, %v", len(all), err)
	}
	if _, _, _, err := a.s.InviteUser(ctx, a.adminViewer(), geo.NewUser{Email: "M@EXAMPLE.org", DisplayName: "M2", OrganisationID: a.org2, Role: geo.UserViewer}); code(err) != geo.EConflict {
		t.Errorf("invite with an email in use = %v", err)
	}
	if _, _, _, err := a.s.InviteUser(ctx, m.Viewer(""), geo.NewUser{Email: "n@example.org", DisplayName: "N", OrganisationID: a.org1, Role: geo.UserViewer}); code(err) != geo.EForbidden {
		t.Errorf("invite by a member = %v", err)
	}
	up, err := a.s.UpdateUser(ctx, a.adminViewer(), m.ID, m.Version, geo.UserPatch{Role: new(geo.UserEditor)})
	if err != nil || up.Role != geo.UserEditor || up.Version != m.Version+1 {
		t.Fatalf("UpdateUser = %+v, %v", up, err)
	}
	if _, err := a.s.UpdateUser(ctx, a.adminViewer(), m.ID, m.Version, geo.UserPatch{Role: new(geo.UserViewer)}); code(err) != geo.EConflict {
		t.Errorf("UpdateUser with a stale version = %v", err)
	}
	if _, err := a.s.UpdateUser(ctx, m.Viewer(""), m.ID, up.Version, geo.UserPatch{Role: new(geo.UserSecretariat)}); code(err) != geo.EForbidden {
		t.Errorf("UpdateUser by a member = %v", err)
	}
	if n := a.count(t, `SELECT count(*) FROM audit_log WHERE event = 'user.role_changed' AND subject_id = $1`, m.ID); n != 1 {
		t.Errorf("%d role_changed rows", n)
	}
	if _, err := a.s.AuditLog(ctx, m.Viewer(""), geo.Page{}); code(err) != geo.EForbidden {
		t.Errorf("AuditLog by a member = %v", err)
	}
	log, err := a.s.AuditLog(ctx, a.adminViewer(), geo.Page{Limit: 2})
	if err != nil || len(log) != 2 || log[0].ID < log[1].ID || log[0].Event != geo.AuditRoleChanged {
		t.Errorf("AuditLog = %+v, %v", log, err)
	}
	a.exec(t, `SELECT 1`)
	if _, err := connect(t, a.dbURL).Exec(ctx, `UPDATE audit_log SET event = 'forged'`); err == nil {
		t.Error("the audit log took an UPDATE")
	}
}

func TestLinks(t *testing.T) {
	ctx := context.Background()
	a := newAccounts(t)
	m := a.member(t, "m@example.org", a.org1, geo.UserViewer, "member password 1")
	link, expires, err := a.s.ResetLink(ctx, a.adminViewer(), m.ID)
	if err != nil || time.Until(expires) < 23*time.Hour || time.Until(expires) > 25*time.Hour {
		t.Fatalf("ResetLink = %v, %v", expires, err)
	}
	old, _, _ := a.s.SignIn(ctx, "m@example.org", "member password 1", a.client)
	if _, _, err := a.s.UseLink(ctx, link, "short", a.client); code(err) != geo.EInvalid {
		t.Fatalf("UseLink with a short password = %v", err)
	}
	sess, u, err := a.s.UseLink(ctx, link, "reset password 1", a.client)
	if err != nil || u.ID != m.ID {
		t.Fatalf("UseLink = %v", err)
	}
	if _, err := a.s.SessionUser(ctx, old); code(err) != geo.EUnauthorized {
		t.Error("the old session lives after a reset")
	}
	if _, err := a.s.SessionUser(ctx, sess); err != nil {
		t.Errorf("the new session: %v", err)
	}
	if _, _, err := a.s.UseLink(ctx, link, "reset password 2", a.client); code(err) != geo.EUnauthorized {
		t.Errorf("a link used twice = %v", err)
	}
	late, _, _ := a.s.ResetLink(ctx, a.adminViewer(), m.ID)
	a.exec(t, `UPDATE account_links SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`)
	if _, _, err := a.s.UseLink(ctx, late, "reset password 3", a.client); code(err) != geo.EUnauthorized {
		t.Errorf("an expired link = %v", err)
	}
	if _, _, err := a.s.ResetLink(ctx, m.Viewer(""), m.ID); code(err) != geo.EForbidden {
		t.Errorf("ResetLink by a member = %v", err)
	}
	if _, _, err := a.s.SignIn(ctx, "m@example.org", "reset password 1", a.client); err != nil {
		t.Errorf("sign in with the reset password: %v", err)
	}
}
