package postgis

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/secret"
)

const tokenColumns = `t.id, t.user_id, t.name, t.prefix, t.scope, t.created_at, t.expires_at, t.last_used_at, t.revoked_at`

func tokenDest(t *geo.Token, scope *string) []any {
	return []any{&t.ID, &t.UserID, &t.Name, &t.Prefix, scope, &t.CreatedAt, &t.ExpiresAt, &t.LastUsedAt, &t.RevokedAt}
}

const selectTokenUser = `SELECT ` + userColumns + `, ` + tokenColumns + `,
	t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute',
	extract(epoch FROM t.expires_at - now())::float8, extract(epoch FROM now() - t.last_used_at)::float8
FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN organisations o ON o.id = u.organisation_id
WHERE t.hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()) AND NOT u.disabled`

// TokenUser returns the owner and the token of a bearer token that is not
// revoked or expired, of a user not disabled; it moves last_used_at at most
// once a minute. Anything else, a malformed token included (refused before
// any database work): EUnauthorized. While the store is Notified, a live
// answer is kept for a few seconds (see authCache); a change to the token
// or its owner ends that at once.
func (s *Store) TokenUser(ctx context.Context, token string) (geo.User, geo.Token, error) {
	if !secret.Valid(secret.Token, token) {
		return geo.User{}, geo.Token{}, geo.Errorf(geo.EUnauthorized, "the token is not valid")
	}
	hash := secret.Hash(token)
	key, cached, gen := [32]byte(hash), s.Notified(), s.auth.generation()
	if cached {
		if e, ok := s.auth.get(s.auth.tokens, key); ok {
			return e.user, e.token, nil
		}
	}
	var t geo.Token
	var scope string
	var stale bool
	var expiresIn, age *float64
	u, err := scanUser(s.pool.QueryRow(ctx, selectTokenUser, hash), append(tokenDest(&t, &scope), &stale, &expiresIn, &age)...)
	if err == pgx.ErrNoRows {
		return geo.User{}, geo.Token{}, geo.Errorf(geo.EUnauthorized, "the token is not valid")
	}
	if err != nil {
		return geo.User{}, geo.Token{}, fmt.Errorf("postgis: token user: %w", translate(err))
	}
	t.Scope = geo.Scope(scope)
	if stale {
		if err := s.pool.QueryRow(ctx, `UPDATE api_tokens SET last_used_at = now() WHERE hash = $1 RETURNING last_used_at`, hash).Scan(&t.LastUsedAt); err != nil {
			return geo.User{}, geo.Token{}, fmt.Errorf("postgis: token user: %w", translate(err))
		}
	}
	if cached {
		s.auth.put(s.auth.tokens, key, gen, tokenTTL(expiresIn, age, stale), authEntry{user: u, token: t})
	}
	return u, t, nil
}

const insertToken = `INSERT INTO api_tokens (user_id, name, hash, prefix, scope, expires_at)
SELECT $1, $2, $3, $4, $5, $6 WHERE $6::timestamptz IS NULL OR $6 > now()
RETURNING id, user_id, name, prefix, scope, created_at, expires_at, last_used_at, revoked_at`

// CreateToken makes an API token of the viewer's own (session only:
// geo.ActManageOwnAccount) and returns its secret (cgt_..., shown once).
// EInvalid for a bad name, scope or an expiry not in the future. Audited as
// token.made.
func (s *Store) CreateToken(ctx context.Context, v geo.Viewer, name string, scope geo.Scope, expires *time.Time) (string, geo.Token, error) {
	if err := geo.Authorise(v, geo.ActManageOwnAccount, geo.Object{}); err != nil {
		return "", geo.Token{}, err
	}
	name = strings.TrimSpace(name)
	var errs []geo.FieldError
	if name == "" || len(name) > geo.MaxTokenNameLength {
		errs = append(errs, geo.FieldError{Pointer: "/name", Detail: "must be 1 to 100 bytes"})
	}
	if !scope.Valid() {
		errs = append(errs, geo.FieldError{Pointer: "/scope", Detail: "must be read or write"})
	}
	if len(errs) > 0 {
		return "", geo.Token{}, &geo.Error{Code: geo.EInvalid, Message: "invalid token", Fields: errs}
	}
	sec, hash := secret.New(secret.Token)
	var t geo.Token
	var sc string
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, insertToken, v.UserID, name, hash, secret.DisplayPrefix(sec), string(scope), expires).Scan(tokenDest(&t, &sc)...)
		if err == pgx.ErrNoRows {
			return &geo.Error{Code: geo.EInvalid, Message: "invalid token", Fields: []geo.FieldError{{Pointer: "/expires_at", Detail: "must be in the future"}}}
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, auditEntry{event: geo.AuditTokenMade, actor: v.UserID, subject: v.UserID,
			detail: map[string]any{"token_id": t.ID, "scope": scope}})
	})
	if err != nil {
		return "", geo.Token{}, fmt.Errorf("postgis: create token: %w", translate(err))
	}
	t.Scope = geo.Scope(sc)
	return sec, t, nil
}

const selectTokens = `SELECT ` + tokenColumns + ` FROM api_tokens t WHERE t.user_id = $1 ORDER BY t.id DESC`

// Tokens lists the viewer's own tokens, newest first, revoked ones
// included (session only: geo.ActManageOwnAccount).
func (s *Store) Tokens(ctx context.Context, v geo.Viewer) ([]geo.Token, error) {
	if err := geo.Authorise(v, geo.ActManageOwnAccount, geo.Object{}); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, selectTokens, v.UserID)
	if err != nil {
		return nil, fmt.Errorf("postgis: tokens: %w", translate(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (geo.Token, error) {
		var t geo.Token
		var sc string
		err := r.Scan(tokenDest(&t, &sc)...)
		t.Scope = geo.Scope(sc)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgis: tokens: %w", translate(err))
	}
	return out, nil
}

const revokeToken = `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, now())
WHERE id = $1 AND (user_id = $2 OR $3) RETURNING user_id`

// RevokeToken revokes token id: the viewer's own, or any for the
// secretariat (session only: geo.ActManageOwnAccount). ENotFound for a token
// that does not exist or is another user's. Revoking twice is no error.
// Audited as token.revoked.
func (s *Store) RevokeToken(ctx context.Context, v geo.Viewer, id int64) error {
	if err := geo.Authorise(v, geo.ActManageOwnAccount, geo.Object{}); err != nil {
		return err
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var owner int64
		if err := tx.QueryRow(ctx, revokeToken, id, v.UserID, v.Kind == geo.Secretariat).Scan(&owner); err != nil {
			return err
		}
		return audit(ctx, tx, auditEntry{event: geo.AuditTokenRevoked, actor: v.UserID, subject: owner,
			detail: map[string]any{"token_id": id}})
	})
	s.auth.flush() // even after an error: a failed COMMIT may have committed
	if err != nil {
		return fmt.Errorf("postgis: revoke token: %w", translate(err))
	}
	return nil
}
