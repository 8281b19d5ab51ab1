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

// SignIn checks email and password and opens a session, returning its
// secret (cgs_...). ETooMany after 5 failures for the email or 50 for the
// address within 15 minutes. An unknown email, a wrong password, a user
// without a password and a disabled user are all EUnauthorized with the
// same message, after the same argon2id work. The attempt and its audit
// event (sign_in, sign_in.failed, sign_in.throttled) are written in one
// transaction.
func (s *Store) SignIn(ctx context.Context, email, password string, c geo.Client) (string, geo.User, error) {
	email = geo.NormaliseEmail(email)
	if len(email) > geo.MaxEmailLength || len(password) > geo.MaxPasswordLength {
		secret.DummyVerify(password[:min(len(password), geo.MaxPasswordLength)])
		return "", geo.User{}, errBadCredentials()
	}
	var byEmail, byAddress int
	if err := s.pool.QueryRow(ctx, countFailures, email, address(c.Address)).Scan(&byEmail, &byAddress); err != nil {
		return "", geo.User{}, fmt.Errorf("postgis: sign in: %w", translate(err))
	}
	if byEmail >= maxFailuresEmail || byAddress >= maxFailuresAddress {
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			return audit(ctx, tx, auditEntry{event: geo.AuditSignInThrottle, email: email, client: c})
		})
		if err != nil {
			return "", geo.User{}, fmt.Errorf("postgis: sign in: %w", translate(err))
		}
		return "", geo.User{}, geo.Errorf(geo.ETooMany, "too many failed sign-ins; try again in 15 minutes")
	}
	var phc string
	u, err := scanUser(s.pool.QueryRow(ctx, selectUserForSignIn, email), &phc)
	if err != nil && err != pgx.ErrNoRows {
		return "", geo.User{}, fmt.Errorf("postgis: sign in: %w", translate(err))
	}
	ok, reason := false, "unknown email"
	if phc == "" {
		secret.DummyVerify(password)
		if u.ID != 0 {
			reason = "no password"
		}
	} else {
		good, verr := secret.VerifyPassword(phc, password)
		ok, reason = good && verr == nil && !u.Disabled, "wrong password"
		if good && u.Disabled {
			reason = "disabled"
		}
	}
	return s.finishSignIn(ctx, u, email, ok, reason, c)
}

func (s *Store) finishSignIn(ctx context.Context, u geo.User, email string, ok bool, reason string, c geo.Client) (string, geo.User, error) {
	var session string
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, insertAttempt, email, address(c.Address), ok); err != nil {
			return err
		}
		if !ok {
			return audit(ctx, tx, auditEntry{event: geo.AuditSignInFailed, subject: u.ID, email: email, client: c,
				detail: map[string]any{"reason": reason}})
		}
		var err error
		if session, err = s.openSession(ctx, tx, u.ID, c); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `UPDATE users SET last_sign_in_at = now() WHERE id = $1 RETURNING last_sign_in_at`, u.ID).Scan(&u.LastSignInAt); err != nil {
			return err
		}
		return audit(ctx, tx, auditEntry{event: geo.AuditSignIn, actor: u.ID, subject: u.ID, client: c})
	})
	if err != nil {
		return "", geo.User{}, fmt.Errorf("postgis: sign in: %w", translate(err))
	}
	if !ok {
		return "", geo.User{}, errBadCredentials()
	}
	return session, u, nil
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
