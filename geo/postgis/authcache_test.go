package postgis_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/geo/secret"
)

// notifyWait bounds the wait for a notification from another store. It is
// well below the 30 s a kept lookup may live, so a store that did not hear
// the notification fails the test instead of passing when its entry ends.
const notifyWait = 10 * time.Second

// watched runs s.Watch, as the server does, until the test ends, and waits
// for its listener.
func watched(t *testing.T, s *postgis.Store) *postgis.Store {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Watch(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	t.Cleanup(func() { cancel(); <-done })
	eventually(t, "the listener", s.Notified)
	return s
}

// eventually polls ok until it holds, failing the test after notifyWait.
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(notifyWait); !ok(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// sessionUser is SessionUser with the error reduced to its code ("" for
// none), failing the test on an error other than EUnauthorized.
func sessionUser(t *testing.T, s *postgis.Store, sess string) (geo.User, geo.Code) {
	t.Helper()
	u, err := s.SessionUser(context.Background(), sess)
	if err != nil && code(err) != geo.EUnauthorized {
		t.Fatal(err)
	}
	return u, code(err)
}

func tokenUser(t *testing.T, s *postgis.Store, tok string) (geo.User, geo.Code) {
	t.Helper()
	u, _, err := s.TokenUser(context.Background(), tok)
	if err != nil && code(err) != geo.EUnauthorized {
		t.Fatal(err)
	}
	return u, code(err)
}

// cached looks up until a lookup is answered from s's cache (an earlier
// account change's notification may still flush it once), so that what
// the test does next is done to a kept answer.
func cached(t *testing.T, s *postgis.Store, lookup func() geo.Code) {
	t.Helper()
	eventually(t, "a lookup answered from the cache", func() bool {
		before := postgis.AuthCacheHits(s)
		if c := lookup(); c != "" {
			t.Fatalf("lookup before the change = %s", c)
		}
		return postgis.AuthCacheHits(s) > before
	})
}

func (a *accounts) version(t *testing.T, user int64) int {
	t.Helper()
	return a.count(t, `SELECT version FROM users WHERE id = $1`, user)
}

func (a *accounts) signIn(t *testing.T, email, pw string) string {
	t.Helper()
	sess, _, err := a.s.SignIn(context.Background(), email, pw, a.client)
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

// A kept session or token is refused by the store that ended it as soon as
// the ending method returns, without waiting for its notification.
func TestAuthCacheRevokesAtOnce(t *testing.T) {
	ctx := context.Background()
	a := newAccounts(t)
	watched(t, a.s)
	m := a.member(t, "m@example.org", a.org1, geo.UserEditor, "member password 1")
	session := func(sess string) func() geo.Code {
		return func() geo.Code { _, c := sessionUser(t, a.s, sess); return c }
	}
	token := func(tok string) func() geo.Code {
		return func() geo.Code { _, c := tokenUser(t, a.s, tok); return c }
	}

	sess := a.signIn(t, "m@example.org", "member password 1")
	cached(t, a.s, session(sess))
	if err := a.s.SignOut(ctx, sess, a.client); err != nil {
		t.Fatal(err)
	}
	if c := session(sess)(); c != geo.EUnauthorized {
		t.Errorf("session right after SignOut = %q", c)
	}

	s1, s2 := a.signIn(t, "m@example.org", "member password 1"), a.signIn(t, "m@example.org", "member password 1")
	cached(t, a.s, session(s1))
	cached(t, a.s, session(s2))
	next, err := a.s.ChangePassword(ctx, m.Viewer(""), "member password 1", "member password 2", a.client)
	if err != nil {
		t.Fatal(err)
	}
	if c1, c2 := session(s1)(), session(s2)(); c1 != geo.EUnauthorized || c2 != geo.EUnauthorized {
		t.Errorf("sessions right after ChangePassword = %q, %q", c1, c2)
	}
	if c := session(next)(); c != "" {
		t.Errorf("the new session after ChangePassword = %q", c)
	}

	tok, tt, err := a.s.CreateToken(ctx, m.Viewer(""), "ci", geo.ScopeRead, nil)
	if err != nil {
		t.Fatal(err)
	}
	cached(t, a.s, token(tok))
	if err := a.s.RevokeToken(ctx, m.Viewer(""), tt.ID); err != nil {
		t.Fatal(err)
	}
	if c := token(tok)(); c != geo.EUnauthorized {
		t.Errorf("token right after RevokeToken = %q", c)
	}

	sess = a.signIn(t, "m@example.org", "member password 2")
	tok, _, err = a.s.CreateToken(ctx, m.Viewer(""), "ci 2", geo.ScopeWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	cached(t, a.s, session(sess))
	cached(t, a.s, token(tok))
	if _, err := a.s.UpdateUser(ctx, a.adminViewer(), m.ID, a.version(t, m.ID), geo.UserPatch{Disabled: new(true)}); err != nil {
		t.Fatal(err)
	}
	if c1, c2 := session(sess)(), token(tok)(); c1 != geo.EUnauthorized || c2 != geo.EUnauthorized {
		t.Errorf("session, token right after disabling = %q, %q", c1, c2)
	}
}

// Two stores on one database, as two servers would be: a change made
// through one (or by any writer of the database) is seen by the other once
// its notification arrives, although the other had the answer kept.
func TestAuthCacheReplicas(t *testing.T) {
	ctx := context.Background()
	a := newAccounts(t)
	one, two := watched(t, a.s), watched(t, open(t, a.dbURL))
	m := a.member(t, "m@example.org", a.org1, geo.UserEditor, "member password 1")
	onTwo := func(sess string) func() geo.Code {
		return func() geo.Code { _, c := sessionUser(t, two, sess); return c }
	}
	refusedOnTwo := func(what string, lookup func() geo.Code) {
		t.Helper()
		eventually(t, what+" refused by the other store", func() bool { return lookup() == geo.EUnauthorized })
	}

	sess := a.signIn(t, "m@example.org", "member password 1")
	cached(t, two, onTwo(sess))
	if err := one.SignOut(ctx, sess, a.client); err != nil {
		t.Fatal(err)
	}
	refusedOnTwo("a signed-out session", onTwo(sess))

	tok, tt, err := one.CreateToken(ctx, m.Viewer(""), "ci", geo.ScopeWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	tokOnTwo := func() geo.Code { _, c := tokenUser(t, two, tok); return c }
	cached(t, two, tokOnTwo)
	if err := one.RevokeToken(ctx, m.Viewer(""), tt.ID); err != nil {
		t.Fatal(err)
	}
	refusedOnTwo("a revoked token", tokOnTwo)

	// A role change through one is seen by two.
	sess = a.signIn(t, "m@example.org", "member password 1")
	cached(t, two, onTwo(sess))
	if _, err := one.UpdateUser(ctx, a.adminViewer(), m.ID, a.version(t, m.ID), geo.UserPatch{Role: new(geo.UserViewer)}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the role change on the other store", func() bool {
		u, c := sessionUser(t, two, sess)
		return c == "" && u.Role == geo.UserViewer
	})

	// So are a move to another organisation and its new name.
	cached(t, two, onTwo(sess))
	if _, err := one.UpdateUser(ctx, a.adminViewer(), m.ID, a.version(t, m.ID), geo.UserPatch{OrganisationID: &a.org2}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the organisation change on the other store", func() bool {
		u, c := sessionUser(t, two, sess)
		return c == "" && u.OrganisationID == a.org2
	})
	cached(t, two, onTwo(sess))
	a.exec(t, `UPDATE organisations SET name = 'Renamed for the test' WHERE id = $1`, a.org2)
	eventually(t, "the organisation's new name on the other store", func() bool {
		u, c := sessionUser(t, two, sess)
		return c == "" && u.Organisation == "Renamed for the test"
	})

	// A password change through one ends the sessions kept by two.
	cached(t, two, onTwo(sess))
	if _, err := one.ChangePassword(ctx, m.Viewer(""), "member password 1", "member password 2", a.client); err != nil {
		t.Fatal(err)
	}
	refusedOnTwo("a session after a password change", onTwo(sess))

	// Disabling through one ends two's kept session and token.
	sess = a.signIn(t, "m@example.org", "member password 2")
	tok, _, err = one.CreateToken(ctx, m.Viewer(""), "ci 2", geo.ScopeRead, nil)
	if err != nil {
		t.Fatal(err)
	}
	cached(t, two, onTwo(sess))
	cached(t, two, tokOnTwo)
	if _, err := one.UpdateUser(ctx, a.adminViewer(), m.ID, a.version(t, m.ID), geo.UserPatch{Disabled: new(true)}); err != nil {
		t.Fatal(err)
	}
	refusedOnTwo("a disabled user's session", onTwo(sess))
	refusedOnTwo("a disabled user's token", tokOnTwo)

	// A writer outside the store (psql, a future method) notifies too: the
	// triggers send it.
	sess = a.signIn(t, "admin@example.org", adminPW)
	cached(t, two, onTwo(sess))
	a.exec(t, `UPDATE sessions SET revoked_at = now() WHERE id_hash = $1`, secret.Hash(sess))
	refusedOnTwo("a session revoked in SQL", onTwo(sess))
}

// The cache is used only while the listener is connected, and what was
// kept before the listener was lost is forgotten when it is back: changes
// made meanwhile were not heard.
func TestAuthCacheListenerLost(t *testing.T) {
	ctx := context.Background()
	a := newAccounts(t)
	sess := a.signIn(t, "admin@example.org", adminPW)
	lookup := func() geo.Code { _, c := sessionUser(t, a.s, sess); return c }
	for range 3 {
		lookup()
	}
	if n := postgis.AuthCacheHits(a.s); n != 0 {
		t.Fatalf("%d lookups answered from the cache without a listener", n)
	}
	watched(t, a.s)
	cached(t, a.s, lookup)

	// Revoke the session in the statement that ends the listener's
	// connection: its notification, sent at commit, reaches no listener of
	// this store.
	conn := connect(t, a.dbURL)
	if _, err := conn.Exec(ctx, `WITH r AS (UPDATE sessions SET revoked_at = now() WHERE id_hash = $1)
		SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = 'commonground watch'`, secret.Hash(sess)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the listener to notice", func() bool { return !a.s.Notified() })
	hits := postgis.AuthCacheHits(a.s)
	if c := lookup(); c != geo.EUnauthorized {
		t.Errorf("revoked session with the listener down = %q", c)
	}
	eventually(t, "the listener back", a.s.Notified)
	if c := lookup(); c != geo.EUnauthorized {
		t.Errorf("revoked session after the listener is back = %q", c)
	}
	if n := postgis.AuthCacheHits(a.s); n != hits {
		t.Errorf("%d lookups answered from the cache after the listener was lost", n-hits)
	}
}

// With QueryVersion the store reads per request, accounts included.
func TestAuthCacheQueryVersion(t *testing.T) {
	a := newAccounts(t)
	s, err := postgis.Open(context.Background(), postgis.Config{URL: a.dbURL, MaxConns: 4, QueryVersion: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Watch(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	t.Cleanup(func() { cancel(); <-done })
	sess := a.signIn(t, "admin@example.org", adminPW)
	for range 5 {
		if _, c := sessionUser(t, s, sess); c != "" {
			t.Fatal(c)
		}
	}
	if n := postgis.AuthCacheHits(s); n != 0 {
		t.Errorf("%d lookups answered from the cache with QueryVersion", n)
	}
}

// The triggers of migration 009 notify every change a kept lookup depends
// on, and not the activity stamps that move once a minute (which would
// flush every server's cache as often).
func TestAccountNotifications(t *testing.T) {
	ctx := context.Background()
	a := newAccounts(t)
	m := a.member(t, "m@example.org", a.org1, geo.UserEditor, "member password 1")
	sess := secret.Hash(a.signIn(t, "m@example.org", "member password 1"))
	if _, _, err := a.s.CreateToken(ctx, m.Viewer(""), "ci", geo.ScopeRead, nil); err != nil {
		t.Fatal(err)
	}
	conn := connect(t, a.dbURL)
	if _, err := conn.Exec(ctx, `LISTEN commonground_accounts`); err != nil {
		t.Fatal(err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	for _, c := range []struct {
		name, sql string
		args      []any
		want      string // payload; "" for none
	}{
		{"session seen", `UPDATE sessions SET last_seen_at = now() WHERE id_hash = $1`, []any{sess}, ""},
		{"token used", `UPDATE api_tokens SET last_used_at = now()`, nil, ""},
		{"user unchanged", `UPDATE users SET role = role`, nil, ""},
		{"organisation website", `UPDATE organisations SET website = 'https://example.org' WHERE id = $1`, []any{a.org1}, ""},
		{"organisation same name", `UPDATE organisations SET name = name`, nil, ""},
		{"session made", `INSERT INTO sessions (id_hash, user_id, expires_at) VALUES (sha256('x'), $1, now())`, []any{m.ID}, ""},
		{"session revoked", `UPDATE sessions SET revoked_at = now() WHERE id_hash = $1`, []any{sess}, "sessions"},
		{"session expiry", `UPDATE sessions SET expires_at = now() WHERE id_hash = $1`, []any{sess}, "sessions"},
		{"session deleted", `DELETE FROM sessions WHERE id_hash = sha256('x')`, nil, "sessions"},
		{"token revoked", `UPDATE api_tokens SET revoked_at = now()`, nil, "api_tokens"},
		{"token expiry", `UPDATE api_tokens SET expires_at = now()`, nil, "api_tokens"},
		{"user signed in", `UPDATE users SET last_sign_in_at = now() WHERE id = $1`, []any{m.ID}, "users"},
		{"user role", `UPDATE users SET role = 'viewer' WHERE id = $1`, []any{m.ID}, "users"},
		{"user disabled", `UPDATE users SET disabled = true WHERE id = $1`, []any{m.ID}, "users"},
		{"organisation renamed", `UPDATE organisations SET name = name || '.' WHERE id = $1`, []any{a.org1}, "organisations"},
		{"tokens truncated", `TRUNCATE api_tokens`, nil, "api_tokens"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tag, err := conn.Exec(ctx, c.sql, c.args...)
			if err != nil {
				t.Fatal(err)
			}
			if tag.RowsAffected() == 0 && c.name != "tokens truncated" {
				t.Fatalf("%s changed no row", c.sql)
			}
			// A session's own notifications arrive with its commit, before
			// the statement's answer: no waiting.
			n, err := conn.WaitForNotification(done)
			var got string
			switch {
			case err == nil:
				got = n.Payload
			case !errors.Is(err, context.Canceled):
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("notified %q, want %q", got, c.want)
			}
			for err == nil { // at most one per table and transaction
				if n, err = conn.WaitForNotification(done); err == nil {
					t.Errorf("a second notification %q", n.Payload)
				}
			}
		})
	}
}
