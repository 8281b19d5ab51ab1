package postgis

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/jackc/pgx/v5"

	"github.com/commonground/commonground/geo"
)

// auditEntry is one row for the audit log; zero ids are NULL.
type auditEntry struct {
	event   geo.AuditEvent
	actor   int64
	subject int64
	email   string
	client  geo.Client
	detail  map[string]any
}

const insertAudit = `INSERT INTO audit_log (event, actor_id, subject_id, email, address, detail)
VALUES ($1, NULLIF($2, 0), NULLIF($3, 0), NULLIF($4, ''), $5, COALESCE($6::jsonb, '{}'))`

// audit appends e to the audit log in tx: every account method writes its
// event in the same transaction as the change it records.
func audit(ctx context.Context, tx pgx.Tx, e auditEntry) error {
	var detail any
	if len(e.detail) > 0 {
		detail = e.detail
	}
	email := e.email
	if len(email) > geo.MaxEmailLength {
		email = email[:geo.MaxEmailLength]
	}
	if _, err := tx.Exec(ctx, insertAudit, string(e.event), e.actor, e.subject, email, address(e.client.Address), detail); err != nil {
		return fmt.Errorf("audit %s: %w", e.event, err)
	}
	return nil
}

// address is a client address for an inet column: NULL when unknown.
func address(a netip.Addr) any {
	if !a.IsValid() {
		return nil
	}
	return a.Unmap()
}

const selectAudit = `SELECT id, at, event, COALESCE(actor_id, 0), COALESCE(subject_id, 0), COALESCE(email, ''),
	COALESCE(host(address), ''), detail
FROM audit_log ORDER BY id DESC LIMIT $1 OFFSET $2`

// AuditLog returns the audit log, newest first, one page of it (limit 100
// when p.Limit is 0, at most 1000). Secretariat only: EUnauthorized or
// EForbidden otherwise.
func (s *Store) AuditLog(ctx context.Context, v geo.Viewer, p geo.Page) ([]geo.Audit, error) {
	if err := geo.Authorise(v, geo.ActManageUsers, geo.Object{}); err != nil {
		return nil, err
	}
	limit := p.Limit
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := s.pool.Query(ctx, selectAudit, limit, max(p.Offset, 0))
	if err != nil {
		return nil, fmt.Errorf("postgis: audit log: %w", translate(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (geo.Audit, error) {
		var a geo.Audit
		var ev string
		err := r.Scan(&a.ID, &a.At, &ev, &a.ActorID, &a.SubjectID, &a.Email, &a.Address, &a.Detail)
		a.Event = geo.AuditEvent(ev)
		if len(a.Detail) == 0 {
			a.Detail = nil
		}
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgis: audit log: %w", translate(err))
	}
	return out, nil
}
