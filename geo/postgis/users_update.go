package postgis

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/commonground/commonground/geo"
)

const updateUser = `UPDATE users SET display_name = $3, role = $4, organisation_id = NULLIF($5, 0), disabled = $6,
	version = version + 1, updated_at = now()
WHERE id = $1 AND version = $2 AND $7`

const revokeUserAccess = `WITH s AS (UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL)
UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`

// UpdateUser changes user id's display name, role, organisation or
// disabled flag, if its version is still version. Secretariat only
// (EUnauthorized / EForbidden); ENotFound for no such user; EConflict for a
// stale version; EInvalid for bad input or a role without a fitting
// organisation (a member's role needs one, the secretariat has none; moving
// to the secretariat drops the organisation). Disabling revokes the user's
// sessions and tokens. Audited: user.role_changed, user.disabled,
// user.enabled.
func (s *Store) UpdateUser(ctx context.Context, v geo.Viewer, id int64, version int, p geo.UserPatch) (geo.User, error) {
	if err := geo.Authorise(v, geo.ActManageUsers, geo.Object{}); err != nil {
		return geo.User{}, err
	}
	if err := p.Validate(); err != nil {
		return geo.User{}, err
	}
	var out geo.User
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		old, err := scanUser(tx.QueryRow(ctx, selectUserByID+` FOR UPDATE OF u`, id))
		if err != nil {
			return err
		}
		if old.Version != version {
			return geo.Errorf(geo.EConflict, "the user has changed since version %d", version)
		}
		next, err := applyPatch(old, p)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, updateUser, id, version, next.DisplayName, string(next.Role), next.OrganisationID, next.Disabled, v.Kind == geo.Secretariat)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return geo.Errorf(geo.EConflict, "the user has changed")
		}
		if err := auditUserChange(ctx, tx, v, old, next); err != nil {
			return err
		}
		if next.Disabled && !old.Disabled {
			if _, err := tx.Exec(ctx, revokeUserAccess, id); err != nil {
				return err
			}
		}
		out, err = userByID(ctx, tx, id)
		return err
	})
	s.auth.flush() // even after an error: a failed COMMIT may have committed
	if err != nil {
		return geo.User{}, fmt.Errorf("postgis: update user: %w", translate(err))
	}
	return out, nil
}

func applyPatch(u geo.User, p geo.UserPatch) (geo.User, error) {
	if p.DisplayName != nil {
		u.DisplayName = *p.DisplayName
	}
	if p.Role != nil {
		u.Role = *p.Role
	}
	if p.OrganisationID != nil {
		u.OrganisationID = *p.OrganisationID
	}
	if p.Disabled != nil {
		u.Disabled = *p.Disabled
	}
	switch {
	case u.Role == geo.UserSecretariat && p.OrganisationID != nil && *p.OrganisationID != 0:
		return u, &geo.Error{Code: geo.EInvalid, Message: "invalid user change", Fields: []geo.FieldError{{Pointer: "/organisation_id", Detail: "must be empty for the secretariat"}}}
	case u.Role == geo.UserSecretariat:
		u.OrganisationID = 0
	case u.OrganisationID == 0:
		return u, &geo.Error{Code: geo.EInvalid, Message: "invalid user change", Fields: []geo.FieldError{{Pointer: "/organisation_id", Detail: "is required for a member's user"}}}
	}
	return u, nil
}

func auditUserChange(ctx context.Context, tx pgx.Tx, v geo.Viewer, old, next geo.User) error {
	if old.Role != next.Role || old.OrganisationID != next.OrganisationID {
		if err := audit(ctx, tx, auditEntry{event: geo.AuditRoleChanged, actor: v.UserID, subject: old.ID, detail: map[string]any{
			"from": old.Role, "to": next.Role, "from_organisation_id": old.OrganisationID, "to_organisation_id": next.OrganisationID,
		}}); err != nil {
			return err
		}
	}
	if old.Disabled == next.Disabled {
		return nil
	}
	ev := geo.AuditUserEnabled
	if next.Disabled {
		ev = geo.AuditUserDisabled
	}
	return audit(ctx, tx, auditEntry{event: ev, actor: v.UserID, subject: old.ID})
}
