package postgis

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/commonground/commonground/geo"
)

// archiveActivity copies activity $1 whole (its row and children, with
// geometry as hex EWKB) into deleted_activities, deleted by $2.
const archiveActivity = `INSERT INTO deleted_activities (id, deleted_by, title, lead_organisation_id, record)
SELECT a.id, $2, a.title,
	(SELECT organisation_id FROM activity_organisations WHERE activity_id = a.id AND role = 'lead'),
	jsonb_build_object(
		'activity', to_jsonb(a) - 'period' - 'search',
		'organisations', (SELECT coalesce(jsonb_agg(to_jsonb(o)), '[]') FROM activity_organisations o WHERE o.activity_id = a.id),
		'themes', (SELECT coalesce(jsonb_agg(to_jsonb(t)), '[]') FROM activity_themes t WHERE t.activity_id = a.id),
		'locations', (SELECT coalesce(jsonb_agg(to_jsonb(l) - 'geom' - 'point' - 'id'
			|| jsonb_build_object('geom', encode(ST_AsEWKB(l.geom), 'hex')) ORDER BY l.id), '[]')
			FROM activity_locations l WHERE l.activity_id = a.id))
FROM activities a WHERE a.id = $1`

// DeleteActivity deletes activity id if its row version is still version
// (0: whatever it is): it leaves every table the map reads, and is kept
// for the secretariat to restore for geo.RestoreWindow. Errors as for
// ReplaceActivity.
func (s *Store) DeleteActivity(ctx context.Context, v geo.Viewer, id int64, version int) error {
	_, err := s.write(ctx, func(tx pgx.Tx) error {
		_, current, lead, err := loadInput(ctx, tx, v, id, true)
		if err != nil {
			return err
		}
		if err := precondition(version, current); err != nil {
			return err
		}
		if org := writerOrg(v); org != 0 && lead != org {
			return geo.Errorf(geo.EForbidden, "you may only delete activities your organisation leads")
		}
		var actor *int64
		if v.UserID > 0 {
			actor = &v.UserID
		}
		if _, err := tx.Exec(ctx, `DELETE FROM deleted_activities WHERE id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, archiveActivity, id, actor); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM activities a WHERE a.id = $1 AND `+ownerSQL("$2"), id, writerOrg(v))
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return geo.Errorf(geo.EForbidden, "you may not delete this activity")
		}
		return logChange(ctx, tx, v, geo.EntityActivity, id, geo.ChangeDelete, nil, map[string]geo.FieldChange{})
	})
	if err != nil {
		return fmt.Errorf("postgis: delete activity %d: %w", id, err)
	}
	return nil
}

// restoreActivity puts the archived activity $1 back under its id, one
// version on from the one deleted (so an If-Match from before the deletion
// is stale), and its organisations, themes and locations; a programme
// deleted meanwhile is left out.
const restoreActivity = `INSERT INTO activities (id, iati_identifier, title, description, programme_id, status,
	start_date, end_date, budget, currency, visibility, demo, created_at, version) OVERRIDING SYSTEM VALUE
SELECT r.id, r.iati_identifier, r.title, r.description, p.id, r.status, r.start_date, r.end_date, r.budget,
	r.currency, r.visibility, r.demo, r.created_at, r.version + 1
FROM deleted_activities d, jsonb_populate_record(NULL::activities, d.record->'activity') r
LEFT JOIN programmes p ON p.id = r.programme_id
WHERE d.id = $1 AND d.deleted_at > now() - $2::interval
RETURNING version`

const restoreChildren = `WITH d AS (SELECT record FROM deleted_activities WHERE id = $1),
o AS (INSERT INTO activity_organisations (activity_id, organisation_id, role)
	SELECT r.activity_id, r.organisation_id, r.role FROM d, jsonb_populate_recordset(NULL::activity_organisations, d.record->'organisations') r),
t AS (INSERT INTO activity_themes (activity_id, theme_code)
	SELECT r.activity_id, r.theme_code FROM d, jsonb_populate_recordset(NULL::activity_themes, d.record->'themes') r
	WHERE EXISTS (SELECT FROM themes WHERE code = r.theme_code))
INSERT INTO activity_locations (activity_id, kind, precision, name, country_code, place_id, admin_area, geom)
SELECT (e->>'activity_id')::bigint, e->>'kind', e->>'precision', e->>'name', e->>'country_code',
	(SELECT geonameid FROM places WHERE geonameid = (e->>'place_id')::bigint), e->>'admin_area',
	ST_GeomFromEWKB(decode(e->>'geom', 'hex'))
FROM d, jsonb_array_elements(d.record->'locations') WITH ORDINALITY x(e, n)
ORDER BY n`

// RestoreActivity puts a deleted activity back, as it was, under its id
// (secretariat). Errors: ENotFound when there is no such deleted activity
// or its window has passed; EConflict when its IATI identifier has been
// taken meanwhile or one of its organisations no longer exists.
func (s *Store) RestoreActivity(ctx context.Context, v geo.Viewer, id int64) (Written, error) {
	var w Written
	_, err := s.write(ctx, func(tx pgx.Tx) error {
		if v.Kind != geo.Secretariat {
			return geo.Errorf(geo.EForbidden, "only the secretariat restores activities")
		}
		var version int
		err := tx.QueryRow(ctx, restoreActivity, id, intervalOf(geo.RestoreWindow)).Scan(&version)
		if err == pgx.ErrNoRows {
			return geo.Errorf(geo.ENotFound, "no deleted activity %d that may still be restored", id)
		}
		if err != nil {
			return restoreConflict(err)
		}
		if _, err := tx.Exec(ctx, restoreChildren, id); err != nil {
			return restoreConflict(err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM deleted_activities WHERE id = $1`, id); err != nil {
			return err
		}
		if err := logChange(ctx, tx, v, geo.EntityActivity, id, geo.ChangeRestore, &version, map[string]geo.FieldChange{}); err != nil {
			return err
		}
		w, err = written(ctx, tx, id, version)
		return err
	})
	if err != nil {
		return Written{}, fmt.Errorf("postgis: restore activity %d: %w", id, err)
	}
	return w, nil
}

// restoreConflict explains the database's refusals of a restoration.
func restoreConflict(err error) error {
	switch translated := translate(err); geo.ErrorCode(translated) {
	case geo.EConflict:
		return &geo.Error{Code: geo.EConflict, Message: "another activity has taken its IATI identifier meanwhile", Err: err}
	case geo.EInvalid:
		return &geo.Error{Code: geo.EConflict, Message: "one of its organisations no longer exists", Err: err}
	default:
		return translated
	}
}

func intervalOf(d time.Duration) string {
	return fmt.Sprintf("%d seconds", int64(d.Seconds()))
}

// DeletedActivities lists the activities that may still be restored,
// newest deletion first (secretariat).
func (s *Store) DeletedActivities(ctx context.Context, v geo.Viewer) ([]geo.DeletedActivity, error) {
	if v.Kind != geo.Secretariat {
		return nil, geo.Errorf(geo.EForbidden, "only the secretariat sees deleted activities")
	}
	rows, err := s.pool.Query(ctx, `SELECT d.id, d.title, d.lead_organisation_id, d.deleted_at, d.deleted_by,
	coalesce(u.display_name, '') FROM deleted_activities d LEFT JOIN users u ON u.id = d.deleted_by
	WHERE d.deleted_at > now() - $1::interval ORDER BY d.deleted_at DESC, d.id DESC LIMIT 1000`, intervalOf(geo.RestoreWindow))
	if err != nil {
		return nil, fmt.Errorf("postgis: deleted activities: %w", translate(err))
	}
	out := []geo.DeletedActivity{}
	var d geo.DeletedActivity
	var by *int64
	var name string
	_, err = pgx.ForEachRow(rows, []any{&d.ID, &d.Title, &d.LeadOrganisationID, &d.DeletedAt, &by, &name}, func() error {
		d.DeletedBy = nil
		if by != nil {
			d.DeletedBy = &geo.Actor{ID: *by, Name: name}
		}
		d.RestoreUntil = d.DeletedAt.Add(geo.RestoreWindow)
		out = append(out, d)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgis: deleted activities: %w", translate(err))
	}
	return out, nil
}
