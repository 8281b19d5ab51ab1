package postgis

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/secret"
)

// Sign-in throttling: failures within the window per email and per address.
const (
	throttleWindow     = "15 minutes"
	maxFailuresEmail   = 5
	maxFailuresAddress = 50
)

const countFailures = `SELECT count(*) FILTER (WHERE lower(email) = lower($1)), count(*) FILTER (WHERE address = $2)
FROM sign_in_attempts
WHERE NOT ok AND at > now() - interval '` + throttleWindow + `' AND (lower(email) = lower($1) OR address = $2)`

const selectUserForSignIn = `SELECT ` + userColumns + `, COALESCE(u.password_hash, '')
FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id WHERE lower(u.email) = lower($1)`

const insertAttempt = `INSERT INTO sign_in_attempts (email, address, ok) VALUES ($1, $2, $3)`

// errBadCredentials is the one answer for every failed sign-in.
func errBadCredentials() error {
	return geo.Errorf(geo.EUnauthorized, "the email or password is wrong")
}

// lockEmail serialises the sign-ins of one (normalised) email across every
// server sharing the database until tx ends, so the failure count and the
// attempt it leads to are one step: concurrent wrong passwords cannot all
// pass a count that none of them has yet added to.
const lockEmail = `SELECT pg_advisory_xact_lock(hashtextextended('commonground.sign_in:' || lower($1), 0))`

const updateHash = `UPDATE users SET password_hash = $2 WHERE id = $1 AND password_hash = $3`

// SignIn checks email and password and opens a session, returning its
// secret (cgs_...). ETooMany after 5 failures for the email or 50 for the
// address within 15 minutes. An unknown email, a wrong password, a user
// without a password and a disabled user are all EUnauthorized with the
// same message, after the same argon2id work. Count, verification, the
// attempt and its audit event (sign_in, sign_in.failed, sign_in.throttled)
// are one transaction under a lock on the email (lockEmail), so no more
// than 5 wrong passwords for one email are ever tried in a window however
// many arrive at once. A good password stored with older argon2id
// parameters is rehashed with the current ones in the same transaction.
// Now and then (1 in pruneEvery) a sign-in also prunes old attempts,
// sessions and links (Prune).
func (s *Store) SignIn(ctx context.Context, email, password string, c geo.Client) (string, geo.User, error) {
	email = geo.NormaliseEmail(email)
	if len(email) > geo.MaxEmailLength || len(password) > geo.MaxPasswordLength {
		secret.DummyVerify(password[:min(len(password), geo.MaxPasswordLength)])
		return "", geo.User{}, errBadCredentials()
	}
	if s.signIns.Add(1)%pruneEvery == 0 {
		// Housekeeping failing must not stop a sign-in; the next one retries.
		_ = s.Prune(ctx)
	}
	var (
		session string
		u       geo.User
		answer  error
	)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, lockEmail, email); err != nil {
			return err
		}
		var byEmail, byAddress int
		if err := tx.QueryRow(ctx, countFailures, email, address(c.Address)).Scan(&byEmail, &byAddress); err != nil {
			return err
		}
		if byEmail >= maxFailuresEmail || byAddress >= maxFailuresAddress {
			answer = geo.Errorf(geo.ETooMany, "too many failed sign-ins; try again in 15 minutes")
			return audit(ctx, tx, auditEntry{event: geo.AuditSignInThrottle, email: email, client: c})
		}
		var phc string
		var err error
		u, err = scanUser(tx.QueryRow(ctx, selectUserForSignIn, email), &phc)
		if err != nil && err != pgx.ErrNoRows {
			return err
		}
		ok, reason := checkPassword(u, phc, password)
		if ok && secret.NeedsRehash(phc) {
			next, err := secret.HashPassword(password)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, updateHash, u.ID, next, phc); err != nil {
				return err
			}
		}
		if !ok {
			answer = errBadCredentials()
		}
		session, err = s.recordSignIn(ctx, tx, &u, email, ok, reason, c)
		return err
	})
	if err != nil {
		return "", geo.User{}, fmt.Errorf("postgis: sign in: %w", translate(err))
	}
	if answer != nil {
		return "", geo.User{}, answer
	}
	return session, u, nil
}

// checkPassword verifies password against the stored hash phc of u (u.ID 0
// and phc "" for an unknown email), with the same argon2id work whatever
// the case, and says why it failed.
func checkPassword(u geo.User, phc, password string) (ok bool, reason string) {
	if phc == "" {
		secret.DummyVerify(password)
		if u.ID != 0 {
			return false, "no password"
		}
		return false, "unknown email"
	}
	good, err := secret.VerifyPassword(phc, password)
	switch {
	case !good || err != nil:
		return false, "wrong password"
	case u.Disabled:
		return false, "disabled"
	}
	return true, ""
}

// recordSignIn writes the attempt and its audit event in tx and, when ok,
// opens the session and moves u's last_sign_in_at.
func (s *Store) recordSignIn(ctx context.Context, tx pgx.Tx, u *geo.User, email string, ok bool, reason string, c geo.Client) (string, error) {
	if _, err := tx.Exec(ctx, insertAttempt, email, address(c.Address), ok); err != nil {
		return "", err
	}
	if !ok {
		return "", audit(ctx, tx, auditEntry{event: geo.AuditSignInFailed, subject: u.ID, email: email, client: c,
			detail: map[string]any{"reason": reason}})
	}
	session, err := s.openSession(ctx, tx, u.ID, c)
	if err != nil {
		return "", err
	}
	if err := tx.QueryRow(ctx, `UPDATE users SET last_sign_in_at = now() WHERE id = $1 RETURNING last_sign_in_at`, u.ID).Scan(&u.LastSignInAt); err != nil {
		return "", err
	}
	return session, audit(ctx, tx, auditEntry{event: geo.AuditSignIn, actor: u.ID, subject: u.ID, client: c})
}

const insertSession = `INSERT INTO sessions (id_hash, user_id, expires_at, user_agent, address)
VALUES ($1, $2, now() + make_interval(secs => $3), $4, $5)`

// openSession makes a session for user in tx and returns its secret.
func (s *Store) openSession(ctx context.Context, tx pgx.Tx, user int64, c geo.Client) (string, error) {
	sec, hash := secret.New(secret.Session)
	ua := c.UserAgent
	if len(ua) > 500 {
		ua = ua[:500]
	}
	if _, err := tx.Exec(ctx, insertSession, hash, user, s.life.sessionMax.Seconds(), ua, address(c.Address)); err != nil {
		return "", fmt.Errorf("open session: %w", err)
	}
	return sec, nil
}

const selectSessionUser = `SELECT ` + userColumns + `, s.last_seen_at < now() - interval '1 minute',
	extract(epoch FROM s.expires_at - now())::float8, extract(epoch FROM now() - s.last_seen_at)::float8
FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN organisations o ON o.id = u.organisation_id
WHERE s.id_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
	AND s.last_seen_at > now() - make_interval(secs => $2) AND NOT u.disabled`

// SessionUser returns the user of a live session: not revoked, before its
// absolute end, used within the idle limit, of a user not disabled. It
// moves last_seen_at at most once a minute. Anything else, a malformed
// secret included (refused before any database work): EUnauthorized.
// While the store is Notified, a live answer is kept for a few seconds
// (see authCache); a change to the session or its user ends that at once.
func (s *Store) SessionUser(ctx context.Context, session string) (geo.User, error) {
	if !secret.Valid(secret.Session, session) {
		return geo.User{}, geo.Errorf(geo.EUnauthorized, "not signed in")
	}
	hash := secret.Hash(session)
	key, cached, gen := [32]byte(hash), s.Notified(), s.auth.generation()
	if cached {
		if e, ok := s.auth.get(s.auth.sessions, key); ok {
			return e.user, nil
		}
	}
	var stale bool
	var expiresIn, age float64
	u, err := scanUser(s.pool.QueryRow(ctx, selectSessionUser, hash, s.life.sessionIdle.Seconds()), &stale, &expiresIn, &age)
	if err == pgx.ErrNoRows {
		return geo.User{}, geo.Errorf(geo.EUnauthorized, "not signed in")
	}
	if err != nil {
		return geo.User{}, fmt.Errorf("postgis: session user: %w", translate(err))
	}
	if stale {
		if _, err := s.pool.Exec(ctx, `UPDATE sessions SET last_seen_at = now() WHERE id_hash = $1`, hash); err != nil {
			return geo.User{}, fmt.Errorf("postgis: session user: %w", translate(err))
		}
	}
	if cached {
		s.auth.put(s.auth.sessions, key, gen, sessionTTL(expiresIn, age, stale, s.life.sessionIdle), authEntry{user: u})
	}
	return u, nil
}

// SignOut revokes session; audited as sign_out. A malformed, unknown or
// already revoked session is no error: there is nothing to end.
func (s *Store) SignOut(ctx context.Context, session string, c geo.Client) error {
	if !secret.Valid(secret.Session, session) {
		return nil
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var user int64
		err := tx.QueryRow(ctx, `UPDATE sessions SET revoked_at = now() WHERE id_hash = $1 AND revoked_at IS NULL RETURNING user_id`,
			secret.Hash(session)).Scan(&user)
		if err == pgx.ErrNoRows {
			return nil
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, auditEntry{event: geo.AuditSignOut, actor: user, subject: user, client: c})
	})
	s.auth.flush() // even after an error: a failed COMMIT may have committed
	if err != nil {
		return fmt.Errorf("postgis: sign out: %w", translate(err))
	}
	return nil
}
