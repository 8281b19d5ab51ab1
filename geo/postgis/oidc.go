package postgis

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/commonground/commonground/geo"
)

// Limits of an OpenID Connect identity; longer values are refused unread.
const (
	maxIssuerLength  = 1000
	maxSubjectLength = 255
	maxReasonLength  = 100
)

const selectUserByOIDC = `SELECT ` + userColumns + `
FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id WHERE u.oidc_issuer = $1 AND u.oidc_subject = $2`

const selectUserByEmail = `SELECT ` + userColumns + `
FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id WHERE lower(u.email) = lower($1)`

const linkOIDC = `UPDATE users SET oidc_issuer = $2, oidc_subject = $3, updated_at = now(), version = version + 1
WHERE id = $1 AND oidc_subject IS NULL`

// acceptInvitations marks the open invitation links of a user used: a
// single sign-on accepts the invitation, so the link cannot later set a
// password for someone else who got hold of it.
const acceptInvitations = `UPDATE account_links SET used_at = now()
WHERE user_id = $1 AND kind = 'invitation' AND used_at IS NULL`

// OIDCSignIn opens a session for the user an OpenID Connect provider
// vouches for (id comes from an ID token the caller has verified: issuer,
// audience, expiry, signature and nonce). The user is the one linked to
// (issuer, subject); else, only when the provider says the email is
// verified, the user with that email (any case) who has no OpenID Connect
// link yet, which is then linked (audited as oidc.linked). Signing in by
// single sign-on accepts an open invitation (its link is marked used).
//
// Errors: EUnauthorized when no account matches (an unknown person, an
// unverified email, an email whose account is linked to another identity:
// the secretariat invites people, there is no sign-up); EForbidden for a
// disabled user. Success and failure are audited (sign_in and
// sign_in.failed with detail method "oidc") in the transaction that opens
// the session; last_sign_in_at moves.
func (s *Store) OIDCSignIn(ctx context.Context, id geo.OIDCIdentity, c geo.Client) (string, geo.User, error) {
	if id.Issuer == "" || id.Subject == "" || len(id.Issuer) > maxIssuerLength || len(id.Subject) > maxSubjectLength {
		return "", geo.User{}, errNoAccount()
	}
	email := geo.NormaliseEmail(id.Email)
	var (
		session string
		u       geo.User
		refused error
	)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var reason string
		var err error
		u, reason, err = s.matchOIDC(ctx, tx, id, email)
		if err != nil {
			return err
		}
		if reason == "" && u.Disabled {
			reason = "disabled"
		}
		if reason != "" {
			refused = errNoAccount()
			if reason == "disabled" {
				refused = geo.Errorf(geo.EForbidden, "this account is disabled; ask the secretariat")
			}
			return audit(ctx, tx, auditEntry{event: geo.AuditSignInFailed, subject: u.ID, email: email, client: c,
				detail: map[string]any{"method": "oidc", "reason": reason, "issuer": id.Issuer}})
		}
		if !u.SingleSignOn {
			if err := s.link(ctx, tx, u.ID, id, c); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, acceptInvitations, u.ID); err != nil {
			return err
		}
		if session, err = s.openSession(ctx, tx, u.ID, c); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET last_sign_in_at = now() WHERE id = $1`, u.ID); err != nil {
			return err
		}
		if err := audit(ctx, tx, auditEntry{event: geo.AuditSignIn, actor: u.ID, subject: u.ID, client: c,
			detail: map[string]any{"method": "oidc", "issuer": id.Issuer}}); err != nil {
			return err
		}
		u, err = userByID(ctx, tx, u.ID)
		return err
	})
	if err != nil {
		return "", geo.User{}, fmt.Errorf("postgis: oidc sign in: %w", translate(err))
	}
	if refused != nil {
		return "", geo.User{}, refused
	}
	return session, u, nil
}

// matchOIDC finds the user of id in tx: by (issuer, subject), else by a
// verified email of a user without a link. A non-empty reason says why
// there is none (u may still be the user the email names, for the audit).
func (s *Store) matchOIDC(ctx context.Context, tx pgx.Tx, id geo.OIDCIdentity, email string) (u geo.User, reason string, err error) {
	u, err = scanUser(tx.QueryRow(ctx, selectUserByOIDC, id.Issuer, id.Subject))
	if err == nil {
		return u, "", nil
	}
	if err != pgx.ErrNoRows {
		return geo.User{}, "", err
	}
	if email == "" || len(email) > geo.MaxEmailLength {
		return geo.User{}, "unknown identity", nil
	}
	u, err = scanUser(tx.QueryRow(ctx, selectUserByEmail, email))
	switch {
	case err == pgx.ErrNoRows:
		return geo.User{}, "unknown identity", nil
	case err != nil:
		return geo.User{}, "", err
	case !id.EmailVerified:
		return u, "email not verified", nil
	case u.SingleSignOn:
		return u, "linked to another identity", nil
	}
	return u, "", nil
}

// link ties id to user (who has no link yet) in tx; audited as oidc.linked.
func (s *Store) link(ctx context.Context, tx pgx.Tx, user int64, id geo.OIDCIdentity, c geo.Client) error {
	tag, err := tx.Exec(ctx, linkOIDC, user, id.Issuer, id.Subject)
	if err != nil {
		return err
	}
	if tag.RowsAffected() != 1 {
		return geo.Errorf(geo.EConflict, "the account was linked meanwhile; sign in again")
	}
	return audit(ctx, tx, auditEntry{event: geo.AuditOIDCLinked, actor: user, subject: user, client: c,
		detail: map[string]any{"issuer": id.Issuer}})
}

func errNoAccount() error {
	return geo.Errorf(geo.EUnauthorized, "no account for this identity; ask the secretariat for an invitation")
}

// OIDCRefused audits a single sign-on that failed before an identity was
// known (the provider's error, a bad state, a token that does not verify)
// as sign_in.failed with detail method "oidc", the reason (a short code)
// and the issuer expected.
func (s *Store) OIDCRefused(ctx context.Context, reason, issuer string, c geo.Client) error {
	if len(reason) > maxReasonLength {
		reason = reason[:maxReasonLength]
	}
	if len(issuer) > maxIssuerLength {
		issuer = issuer[:maxIssuerLength]
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return audit(ctx, tx, auditEntry{event: geo.AuditSignInFailed, client: c,
			detail: map[string]any{"method": "oidc", "reason": reason, "issuer": issuer}})
	})
	if err != nil {
		return fmt.Errorf("postgis: oidc refused: %w", translate(err))
	}
	return nil
}
