package postgis

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/secret"
)

const insertLink = `INSERT INTO account_links (hash, kind, user_id, created_by, expires_at)
VALUES ($1, $2, $3, NULLIF($4, 0), now() + make_interval(secs => $5)) RETURNING expires_at`

// createLink makes a single-use link of kind for user in tx.
func createLink(ctx context.Context, tx pgx.Tx, kind string, user, by int64, ttl time.Duration) (string, time.Time, error) {
	sec, hash := secret.New(secret.Link)
	var expires time.Time
	if err := tx.QueryRow(ctx, insertLink, hash, kind, user, by, ttl.Seconds()).Scan(&expires); err != nil {
		return "", time.Time{}, fmt.Errorf("create link: %w", err)
	}
	return sec, expires, nil
}

// ResetLink makes a password reset link for user userID. Secretariat only;
// ENotFound for no such user. Audited as password.reset_link.
func (s *Store) ResetLink(ctx context.Context, v geo.Viewer, userID int64) (link string, expires time.Time, err error) {
	if err := geo.Authorise(v, geo.ActManageUsers, geo.Object{}); err != nil {
		return "", time.Time{}, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := userByID(ctx, tx, userID); err != nil {
			return err
		}
		if link, expires, err = createLink(ctx, tx, "reset", userID, v.UserID, s.life.reset); err != nil {
			return err
		}
		return audit(ctx, tx, auditEntry{event: geo.AuditPasswordReset, actor: v.UserID, subject: userID})
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("postgis: reset link: %w", translate(err))
	}
	return link, expires, nil
}

const useLink = `UPDATE account_links l SET used_at = now()
FROM users u
WHERE l.hash = $1 AND l.used_at IS NULL AND l.expires_at > now() AND u.id = l.user_id AND NOT u.disabled
RETURNING l.user_id`

// UseLink sets the password of the user of an invitation or reset link
// (single use, unexpired, of a user not disabled), revokes the user's
// sessions and opens a new one. EInvalid for a password that does not
// validate (the link stays usable); EUnauthorized for a malformed, unknown,
// used or expired link. Audited as password.set.
func (s *Store) UseLink(ctx context.Context, link, password string, c geo.Client) (string, geo.User, error) {
	if fe := geo.ValidatePassword("/password", password); fe != nil {
		return "", geo.User{}, &geo.Error{Code: geo.EInvalid, Message: "invalid password", Fields: []geo.FieldError{*fe}}
	}
	if !secret.Valid(secret.Link, link) {
		return "", geo.User{}, geo.Errorf(geo.EUnauthorized, "this link is not valid or has expired")
	}
	phc, err := secret.HashPassword(password)
	if err != nil {
		return "", geo.User{}, fmt.Errorf("postgis: use link: %w", err)
	}
	var session string
	var u geo.User
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, useLink, secret.Hash(link)).Scan(&id); err == pgx.ErrNoRows {
			return geo.Errorf(geo.EUnauthorized, "this link is not valid or has expired")
		} else if err != nil {
			return err
		}
		if session, err = s.setPassword(ctx, tx, id, phc, c); err != nil {
			return err
		}
		u, err = userByID(ctx, tx, id)
		return err
	})
	s.auth.flush() // even after an error: a failed COMMIT may have committed
	if err != nil {
		return "", geo.User{}, fmt.Errorf("postgis: use link: %w", translate(err))
	}
	return session, u, nil
}

const updatePassword = `UPDATE users SET password_hash = $2, password_changed_at = now(), last_sign_in_at = now(),
	updated_at = now()
WHERE id = $1`

// setPassword stores phc for user, revokes every session of the user, opens
// a new one and audits password.set, in tx.
func (s *Store) setPassword(ctx context.Context, tx pgx.Tx, user int64, phc string, c geo.Client) (string, error) {
	if _, err := tx.Exec(ctx, updatePassword, user, phc); err != nil {
		return "", err
	}
	if _, err := tx.Exec(ctx, `UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, user); err != nil {
		return "", err
	}
	session, err := s.openSession(ctx, tx, user, c)
	if err != nil {
		return "", err
	}
	return session, audit(ctx, tx, auditEntry{event: geo.AuditPasswordSet, actor: user, subject: user, client: c})
}

// ChangePassword changes the viewer's own password (session only:
// geo.ActManageOwnAccount) after checking the current one, revokes every
// session of the user and returns a new one. EUnauthorized for a wrong
// current password, EInvalid for a new one that does not validate. Audited
// as password.set.
func (s *Store) ChangePassword(ctx context.Context, v geo.Viewer, current, next string, c geo.Client) (string, error) {
	if err := geo.Authorise(v, geo.ActManageOwnAccount, geo.Object{}); err != nil {
		return "", err
	}
	if fe := geo.ValidatePassword("/new_password", next); fe != nil {
		return "", &geo.Error{Code: geo.EInvalid, Message: "invalid password", Fields: []geo.FieldError{*fe}}
	}
	var phc string
	if err := s.pool.QueryRow(ctx, `SELECT COALESCE(password_hash, '') FROM users WHERE id = $1 AND NOT disabled`, v.UserID).Scan(&phc); err != nil {
		return "", fmt.Errorf("postgis: change password: %w", translate(err))
	}
	ok := false
	if phc == "" || len(current) > geo.MaxPasswordLength {
		secret.DummyVerify(current[:min(len(current), geo.MaxPasswordLength)])
	} else {
		ok, _ = secret.VerifyPassword(phc, current)
	}
	if !ok {
		return "", geo.Errorf(geo.EUnauthorized, "the current password is wrong")
	}
	newPHC, err := secret.HashPassword(next)
	if err != nil {
		return "", fmt.Errorf("postgis: change password: %w", err)
	}
	var session string
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		session, err = s.setPassword(ctx, tx, v.UserID, newPHC, c)
		return err
	})
	s.auth.flush() // even after an error: a failed COMMIT may have committed
	if err != nil {
		return "", fmt.Errorf("postgis: change password: %w", translate(err))
	}
	return session, nil
}
