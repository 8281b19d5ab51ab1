package postgis

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/secret"
)

// userColumns are the columns scanUser reads, from users u LEFT JOIN
// organisations o.
const userColumns = `u.id, u.email, u.display_name, COALESCE(u.organisation_id, 0), COALESCE(o.name, ''), u.role,
	u.disabled, u.password_hash IS NOT NULL, u.oidc_subject IS NOT NULL, u.created_at, u.last_sign_in_at, u.version`

func scanUser(row pgx.Row, extra ...any) (geo.User, error) {
	var u geo.User
	var role string
	dest := append([]any{&u.ID, &u.Email, &u.DisplayName, &u.OrganisationID, &u.Organisation, &role,
		&u.Disabled, &u.HasPassword, &u.SingleSignOn, &u.CreatedAt, &u.LastSignInAt, &u.Version}, extra...)
	err := row.Scan(dest...)
	u.Role = geo.UserRole(role)
	return u, err
}

const selectUserByID = `SELECT ` + userColumns + `
FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id WHERE u.id = $1`

func userByID(ctx context.Context, q pgx.Tx, id int64) (geo.User, error) {
	u, err := scanUser(q.QueryRow(ctx, selectUserByID, id))
	if err != nil {
		return geo.User{}, translate(err)
	}
	return u, nil
}

const selectUsers = `SELECT ` + userColumns + `
FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id
WHERE ($1 = 0 OR u.organisation_id = $1) AND ($2 OR u.organisation_id = $3)
ORDER BY u.organisation_id NULLS FIRST, lower(u.email)`

// Users lists users: the secretariat sees everyone (or one organisation's
// people when organisationID > 0); a member sees its own organisation's
// (organisationID 0 or its own; another is EForbidden).
func (s *Store) Users(ctx context.Context, v geo.Viewer, organisationID int64) ([]geo.User, error) {
	if organisationID == 0 && v.Kind == geo.Member {
		organisationID = v.OrganisationID
	}
	obj := geo.Object{OrganisationID: organisationID}
	if err := geo.Authorise(v, geo.ActListUsers, obj); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, selectUsers, organisationID, v.Kind == geo.Secretariat, v.OrganisationID)
	if err != nil {
		return nil, fmt.Errorf("postgis: users: %w", translate(err))
	}
	users, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (geo.User, error) { return scanUser(r) })
	if err != nil {
		return nil, fmt.Errorf("postgis: users: %w", translate(err))
	}
	return users, nil
}

const insertUser = `INSERT INTO users (email, display_name, organisation_id, role, password_hash)
VALUES ($1, $2, NULLIF($3, 0), $4, $5) RETURNING id`

// InviteUser creates u (without a password) and an invitation link to set
// one. Secretariat only. EInvalid for bad input, EConflict for an email in
// use (whatever its case).
func (s *Store) InviteUser(ctx context.Context, v geo.Viewer, nu geo.NewUser) (u geo.User, link string, expires time.Time, err error) {
	if err := geo.Authorise(v, geo.ActManageUsers, geo.Object{}); err != nil {
		return geo.User{}, "", time.Time{}, err
	}
	if err := nu.Validate(); err != nil {
		return geo.User{}, "", time.Time{}, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, insertUser, geo.NormaliseEmail(nu.Email), nu.DisplayName, nu.OrganisationID, string(nu.Role), nil).Scan(&id); err != nil {
			return conflictEmail(err)
		}
		if link, expires, err = createLink(ctx, tx, "invitation", id, v.UserID, s.life.invitation); err != nil {
			return err
		}
		if err := audit(ctx, tx, auditEntry{event: geo.AuditUserInvited, actor: v.UserID, subject: id,
			detail: map[string]any{"role": nu.Role, "organisation_id": nu.OrganisationID}}); err != nil {
			return err
		}
		u, err = userByID(ctx, tx, id)
		return err
	})
	if err != nil {
		return geo.User{}, "", time.Time{}, fmt.Errorf("postgis: invite user: %w", translate(err))
	}
	return u, link, expires, nil
}

// conflictEmail gives the one message for an email already in use.
func conflictEmail(err error) error {
	err = translate(err)
	if geo.ErrorCode(err) == geo.EConflict {
		return &geo.Error{Code: geo.EConflict, Message: "this email is already in use", Err: err}
	}
	return err
}

// CreateAdmin creates a secretariat user with a password, for the command
// line (no viewer: whoever runs it has the database). EInvalid for bad
// input, EConflict for an email in use.
func (s *Store) CreateAdmin(ctx context.Context, email, displayName, password string) (geo.User, error) {
	nu := geo.NewUser{Email: email, DisplayName: displayName, Role: geo.UserSecretariat}
	if err := nu.Validate(); err != nil {
		return geo.User{}, err
	}
	if fe := geo.ValidatePassword("/password", password); fe != nil {
		return geo.User{}, &geo.Error{Code: geo.EInvalid, Message: "invalid password", Fields: []geo.FieldError{*fe}}
	}
	phc, err := secret.HashPassword(password)
	if err != nil {
		return geo.User{}, &geo.Error{Code: geo.EInvalid, Message: "invalid password", Err: err}
	}
	var u geo.User
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, insertUser, geo.NormaliseEmail(email), displayName, 0, string(geo.UserSecretariat), phc).Scan(&id); err != nil {
			return conflictEmail(err)
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET password_changed_at = now() WHERE id = $1`, id); err != nil {
			return err
		}
		if err := audit(ctx, tx, auditEntry{event: geo.AuditAdminCreated, subject: id}); err != nil {
			return err
		}
		u, err = userByID(ctx, tx, id)
		return err
	})
	if err != nil {
		return geo.User{}, fmt.Errorf("postgis: create admin: %w", translate(err))
	}
	return u, nil
}
