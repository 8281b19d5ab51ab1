package postgis_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/argon2"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/secret"
)

// TestSignInThrottleConcurrent: 20 wrong passwords for one email at once
// (from 20 addresses) are counted one after the other: 5 are tried (and
// audited as failed), the other 15 are throttled without argon2id.
func TestSignInThrottleConcurrent(t *testing.T) {
	ctx := context.Background()
	a := newAccounts(t)
	const n = 20
	codes := make([]geo.Code, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			c := geo.Client{Address: netip.AddrFrom4([4]byte{203, 0, 113, byte(i + 1)})}
			_, _, err := a.s.SignIn(ctx, "Admin@example.org", "wrong password!!", c)
			codes[i] = code(err)
		})
	}
	wg.Wait()
	count := map[geo.Code]int{}
	for _, c := range codes {
		count[c]++
	}
	if count[geo.EUnauthorized] != 5 || count[geo.ETooMany] != n-5 {
		t.Fatalf("answers %v, want 5 unauthorized and %d too many", count, n-5)
	}
	if got := a.count(t, `SELECT count(*) FROM audit_log WHERE event = 'sign_in.failed'`); got != 5 {
		t.Errorf("%d sign_in.failed rows (passwords tried), want 5", got)
	}
	if got := a.count(t, `SELECT count(*) FROM audit_log WHERE event = 'sign_in.throttled'`); got != n-5 {
		t.Errorf("%d sign_in.throttled rows, want %d", got, n-5)
	}
	if got := a.count(t, `SELECT count(*) FROM sign_in_attempts`); got != 5 {
		t.Errorf("%d attempts recorded, want 5", got)
	}
}

// phcWith hashes pw with other argon2id parameters than secret.Default.
func phcWith(pw string, m, t uint32) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, t, m, 1, 32)
	b := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=1$%s$%s", argon2.Version, m, t, b.EncodeToString(salt), b.EncodeToString(key))
}

// TestSignInRehash: a password stored with old parameters is stored again
// with the current ones on a good sign-in, and not on a wrong one.
func TestSignInRehash(t *testing.T) {
	ctx := context.Background()
	a := newAccounts(t)
	m := a.member(t, "old@example.org", a.org1, geo.UserEditor, "old member password")
	old := phcWith("old member password", 19*1024, 1)
	a.exec(t, `UPDATE users SET password_hash = $2 WHERE id = $1`, m.ID, old)
	stored := func() string {
		var phc string
		if err := connect(t, a.dbURL).QueryRow(ctx, `SELECT password_hash FROM users WHERE id = $1`, m.ID).Scan(&phc); err != nil {
			t.Fatal(err)
		}
		return phc
	}
	if _, _, err := a.s.SignIn(ctx, "old@example.org", "not the password", a.client); code(err) != geo.EUnauthorized {
		t.Fatalf("wrong password: %v", err)
	}
	if stored() != old {
		t.Fatal("a wrong password changed the stored hash")
	}
	if _, _, err := a.s.SignIn(ctx, "old@example.org", "old member password", a.client); err != nil {
		t.Fatalf("sign in with the old hash: %v", err)
	}
	now := stored()
	want := fmt.Sprintf("$m=%d,t=%d,p=%d$", secret.Default.Memory, secret.Default.Time, secret.Default.Threads)
	if now == old || secret.NeedsRehash(now) || !strings.Contains(now, want) {
		t.Fatalf("stored hash after sign-in = %q, want current parameters %s", now, want)
	}
	if ok, err := secret.VerifyPassword(now, "old member password"); !ok || err != nil {
		t.Fatalf("the new hash does not verify the password: %v %v", ok, err)
	}
	if _, _, err := a.s.SignIn(ctx, "old@example.org", "old member password", a.client); err != nil {
		t.Fatalf("sign in with the new hash: %v", err)
	}
	if stored() != now {
		t.Error("a current hash was rehashed again")
	}
}

// TestPrune: old attempts, long-ended sessions and long-used or expired
// links, day-old Idempotency-Keys and deleted activities past their 30
// days go; recent ones and live ones stay; the audit log stays.
func TestPrune(t *testing.T) {
	ctx := context.Background()
	a := newAccounts(t)
	m := a.member(t, "p@example.org", a.org1, geo.UserEditor, "prune member password")
	id := m.ID
	a.exec(t, `DELETE FROM sign_in_attempts`)
	a.exec(t, `INSERT INTO sign_in_attempts (email, address, ok, at) VALUES
		('old@example.org', '192.0.2.9', false, now() - interval '2 days'),
		('new@example.org', '192.0.2.9', false, now() - interval '2 hours')`)
	a.exec(t, `DELETE FROM sessions`)
	a.exec(t, `INSERT INTO sessions (id_hash, user_id, expires_at, revoked_at) VALUES
		(sha256('live'), $1, now() + interval '1 day', NULL),
		(sha256('revoked recently'), $1, now() + interval '1 day', now() - interval '1 day'),
		(sha256('revoked long ago'), $1, now() + interval '1 day', now() - interval '8 days'),
		(sha256('expired long ago'), $1, now() - interval '8 days', NULL)`, id)
	a.exec(t, `DELETE FROM account_links`)
	a.exec(t, `INSERT INTO account_links (hash, kind, user_id, expires_at, used_at) VALUES
		(sha256('open'), 'reset', $1, now() + interval '1 day', NULL),
		(sha256('used recently'), 'reset', $1, now() + interval '1 day', now() - interval '1 day'),
		(sha256('used long ago'), 'reset', $1, now() + interval '1 day', now() - interval '8 days'),
		(sha256('expired long ago'), 'invitation', $1, now() - interval '8 days', NULL)`, id)
	a.exec(t, `INSERT INTO idempotency_keys (user_id, key, route, request_hash, status, body, created_at) VALUES
		($1, 'old', 'POST x', '\x00', 201, '{}', now() - interval '25 hours'),
		($1, 'new', 'POST x', '\x00', 201, '{}', now() - interval '1 hour')`, id)
	a.exec(t, `INSERT INTO deleted_activities (id, deleted_at, title, record) VALUES
		(-1, now() - interval '31 days', 'old', '{}'), (-2, now() - interval '29 days', 'recent', '{}')`)
	audits := a.count(t, `SELECT count(*) FROM audit_log`)
	if err := a.s.Prune(ctx); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int{
		`SELECT count(*) FROM sign_in_attempts WHERE email = 'new@example.org'`:                       1,
		`SELECT count(*) FROM sign_in_attempts`:                                                       1,
		`SELECT count(*) FROM sessions WHERE id_hash IN (sha256('live'), sha256('revoked recently'))`: 2,
		`SELECT count(*) FROM sessions`:                                                               2,
		`SELECT count(*) FROM account_links WHERE hash IN (sha256('open'), sha256('used recently'))`:  2,
		`SELECT count(*) FROM account_links`:                                                          2,
		`SELECT count(*) FROM audit_log`:                                                              audits,
		`SELECT count(*) FROM idempotency_keys WHERE key = 'new'`:                                     1,
		`SELECT count(*) FROM idempotency_keys`:                                                       1,
		`SELECT count(*) FROM deleted_activities WHERE title = 'recent'`:                              1,
		`SELECT count(*) FROM deleted_activities`:                                                     1,
	} {
		if got := a.count(t, q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
}

// TestSignInPrunes: sign-ins prune now and then without being asked.
func TestSignInPrunes(t *testing.T) {
	ctx := context.Background()
	a := newAccounts(t)
	a.exec(t, `INSERT INTO sign_in_attempts (email, address, ok, at) SELECT 'old' || g || '@example.org', '192.0.2.9', false, now() - interval '2 days' FROM generate_series(1, 10) g`)
	// The count of failures is per email, so an unknown email of its own
	// per round never throttles; 64 sign-ins reach the 1-in-64 prune.
	for i := range 64 {
		_, _, _ = a.s.SignIn(ctx, fmt.Sprintf("u%d@example.org", i), "some password 1", geo.Client{})
		if a.count(t, `SELECT count(*) FROM sign_in_attempts WHERE email LIKE 'old%'`) == 0 {
			return
		}
	}
	t.Fatal("64 sign-ins did not prune two-day-old attempts")
}
