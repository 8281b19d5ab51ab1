package postgis

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/commonground/commonground/geo"
)

// Written is what a write of an activity leaves (geo.Written).
type Written = geo.Written

// lockWrites is the first statement of every write through the API: it
// takes the data version's row lock, which every changed table's trigger
// takes anyway. Taken first, writes queue on it in one order (no deadlock
// between a write's row locks and the version's), and the version a write
// reads at its end is the one it commits.
const lockWrites = `SELECT version FROM data_version FOR UPDATE`

// write runs fn in one transaction behind lockWrites and returns the data
// version it committed, which DataVersion then answers at once (the
// writer's next request sees its write without waiting for the
// notification).
func (s *Store) write(ctx context.Context, fn func(tx pgx.Tx) error) (int64, error) {
	var dv int64
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, lockWrites); err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT version FROM data_version`).Scan(&dv)
	})
	if err != nil {
		return 0, translate(err)
	}
	s.watch.seen(dv)
	return dv, nil
}

// ownerSQL is the ownership condition every activity write repeats in SQL
// (the policy has decided before): the secretariat ($n = 0) may write any
// activity, an editor those its organisation leads.
func ownerSQL(param string) string {
	return `(` + param + `::bigint = 0 OR EXISTS (SELECT FROM activity_organisations w
	WHERE w.activity_id = a.id AND w.role = 'lead' AND w.organisation_id = ` + param + `))`
}

// writerOrg is the organisation whose ownership a write by v must respect:
// 0 for the secretariat.
func writerOrg(v geo.Viewer) int64 {
	if v.Kind == geo.Secretariat {
		return 0
	}
	return v.OrganisationID
}

// CreateActivity writes a new activity from a validated, normalised input
// and returns answer's rendering of it. With idem, a retry of the same
// request (same user, key, route and hash) returns the first answer and
// writes nothing (replayed true), and the same key with another request is
// EUnprocessable. Errors: EInvalid (with pointers) for references that do
// not resolve, EConflict for a taken IATI identifier, EForbidden when v's
// organisation would not lead it.
func (s *Store) CreateActivity(ctx context.Context, v geo.Viewer, in geo.ActivityInput, idem *geo.Idempotency, answer func(geo.Written) (geo.Answer, error)) (geo.Answer, bool, error) {
	var out geo.Answer
	var replayed bool
	_, err := s.write(ctx, func(tx pgx.Tx) error {
		if idem != nil {
			prior, found, err := claimKey(ctx, tx, v.UserID, *idem)
			if err != nil || found {
				out, replayed = prior, found
				return err
			}
		}
		if org := writerOrg(v); org != 0 && in.Lead() != org {
			return geo.Errorf(geo.EForbidden, "you may only create activities your organisation leads")
		}
		if err := checkReferences(ctx, tx, in, 0, nil); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, insertActivity, activityArgs(in)...).Scan(&id); err != nil {
			return err
		}
		if err := insertChildren(ctx, tx, id, in); err != nil {
			return err
		}
		after, version, _, err := loadInput(ctx, tx, geo.Viewer{Kind: geo.Secretariat}, id, false)
		if err != nil {
			return err
		}
		if err := logChange(ctx, tx, v, geo.EntityActivity, id, geo.ChangeCreate, &version, geo.DiffFields(nil, after.Fields())); err != nil {
			return err
		}
		if err := reported(ctx, tx, v); err != nil {
			return err
		}
		w, err := written(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if out, err = answer(w); err != nil {
			return err
		}
		if idem != nil {
			return storeAnswer(ctx, tx, v.UserID, idem.Key, out)
		}
		return nil
	})
	if err != nil {
		return geo.Answer{}, false, fmt.Errorf("postgis: create activity: %w", err)
	}
	return out, replayed, nil
}

const insertActivity = `INSERT INTO activities (title, description, programme_id, status, start_date, end_date,
	budget, currency, visibility, iati_identifier)
VALUES ($1, $2, NULLIF($3, 0), $4, $5, $6, NULLIF($7, '')::numeric, NULLIF($8, ''), $9, NULLIF($10, ''))
RETURNING id`

var updateActivity = `UPDATE activities a SET title = $1, description = $2, programme_id = NULLIF($3, 0), status = $4,
	start_date = $5, end_date = $6, budget = NULLIF($7, '')::numeric, currency = NULLIF($8, ''), visibility = $9,
	iati_identifier = NULLIF($10, '')
WHERE a.id = $11 AND a.version = $12 AND ` + ownerSQL("$13")

func activityArgs(in geo.ActivityInput) []any {
	return []any{in.Title, in.Description, in.ProgrammeID, string(in.Status), date(in.Start), date(in.End),
		in.Budget, in.Currency, string(in.Visibility), in.IATIIdentifier}
}

// insertLocation writes one location: a place's geometry (and, unless
// given, its name and country) come from the gazetteer; a country's
// refers to the boundary; the trigger derives the point and a missing
// country.
const insertLocation = `INSERT INTO activity_locations (activity_id, kind, precision, name, country_code, place_id, admin_area, geom)
SELECT $1, $2, $3, coalesce(NULLIF($4, ''), p.name, ''), coalesce(NULLIF($5, ''), p.country_code),
	NULLIF($6, 0), $7, coalesce(ST_GeomFromWKB($8, 4326), p.geom)
FROM (SELECT) dummy LEFT JOIN places p ON p.geonameid = NULLIF($6, 0)`

// insertChildren writes in's organisations, themes and locations for
// activity id, in one pipelined batch.
func insertChildren(ctx context.Context, tx pgx.Tx, id int64, in geo.ActivityInput) error {
	var b pgx.Batch
	for _, o := range in.Organisations {
		b.Queue(insertActivityOrganisation, id, o.ID, string(o.Role))
	}
	for _, t := range in.Themes {
		b.Queue(insertActivityTheme, id, t)
	}
	for _, l := range in.Locations {
		g, err := geomWKB(l.Geometry)
		if err != nil {
			return err
		}
		b.Queue(insertLocation, id, string(l.Kind), string(l.Precision), l.Name, l.CountryCode, l.PlaceID, l.AdminArea, g)
	}
	return tx.SendBatch(ctx, &b).Close()
}

// ReplaceActivity makes activity id what in says, if its row version is
// still version (0: whatever it is, for If-Match: *). Only what changed is
// written, and a change that changes nothing writes nothing (no new version
// and no history entry). Errors: ENotFound when it does not exist or v may
// not see it, EPrecondition when the version is no longer current,
// EForbidden when v's organisation does not lead it or would not lead it
// after, and those of CreateActivity.
func (s *Store) ReplaceActivity(ctx context.Context, v geo.Viewer, id int64, version int, in geo.ActivityInput) (Written, error) {
	var w Written
	_, err := s.write(ctx, func(tx pgx.Tx) error {
		before, current, lead, err := loadInput(ctx, tx, v, id, true)
		if err != nil {
			return err
		}
		if err := precondition(version, current); err != nil {
			return err
		}
		if org := writerOrg(v); org != 0 && (lead != org || in.Lead() != org) {
			return geo.Errorf(geo.EForbidden, "you may only change activities your organisation leads, and not hand the lead to another")
		}
		changes := geo.DiffFields(before.Fields(), in.Fields())
		if len(changes) == 0 {
			w, err = written(ctx, tx, id, current)
			return err
		}
		if err := checkReferences(ctx, tx, in, id, changes); err != nil {
			return err
		}
		args := append(activityArgs(in), id, current, writerOrg(v))
		tag, err := tx.Exec(ctx, updateActivity, args...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return geo.Errorf(geo.EForbidden, "you may not change this activity")
		}
		if err := replaceChildren(ctx, tx, id, in, changes); err != nil {
			return err
		}
		// What is stored is in, but for what the database derives in
		// locations (a point's country, a place's name and country).
		after, newVersion := in, current+1
		if _, ok := changes["locations"]; ok {
			if after.Locations, err = loadLocations(ctx, tx, id); err != nil {
				return err
			}
		}
		if err := logChange(ctx, tx, v, geo.EntityActivity, id, geo.ChangeUpdate, &newVersion, geo.DiffFields(before.Fields(), after.Fields())); err != nil {
			return err
		}
		if err := reported(ctx, tx, v); err != nil {
			return err
		}
		w, err = written(ctx, tx, id, newVersion)
		return err
	})
	if err != nil {
		return Written{}, fmt.Errorf("postgis: replace activity %d: %w", id, err)
	}
	return w, nil
}

// replaceChildren rewrites the children whose field changed. The
// activity's own row was updated, so its version moved even when only
// children changed.
func replaceChildren(ctx context.Context, tx pgx.Tx, id int64, in geo.ActivityInput, changes map[string]geo.FieldChange) error {
	var only geo.ActivityInput
	tables := map[string]string{"organisations": "activity_organisations", "themes": "activity_themes", "locations": "activity_locations"}
	for field, table := range tables {
		if _, ok := changes[field]; !ok {
			continue
		}
		if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE activity_id = $1`, id); err != nil {
			return err
		}
		switch field {
		case "organisations":
			only.Organisations = in.Organisations
		case "themes":
			only.Themes = in.Themes
		case "locations":
			only.Locations = in.Locations
		}
	}
	return insertChildren(ctx, tx, id, only)
}

// precondition compares If-Match's version with the current one.
func precondition(want, current int) error {
	if want != 0 && want != current {
		return &geo.Error{Code: geo.EPrecondition, Message: fmt.Sprintf("the activity has changed: it is at version %d, not %d", current, want)}
	}
	return nil
}

// written reads what a write leaves, in its transaction.
func written(ctx context.Context, tx pgx.Tx, id int64, version int) (Written, error) {
	views, err := loadActivities(ctx, tx, []int64{id})
	if err != nil {
		return Written{}, err
	}
	if len(views) != 1 {
		return Written{}, fmt.Errorf("activity %d vanished", id)
	}
	w := Written{View: views[0], Version: version}
	return w, tx.QueryRow(ctx, `SELECT version FROM data_version`).Scan(&w.DataVersion)
}

// reported moves the last reported date of v's organisation, when a member
// of it writes.
func reported(ctx context.Context, tx pgx.Tx, v geo.Viewer) error {
	if v.Kind != geo.Member || v.OrganisationID == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `UPDATE organisations SET last_reported = current_date
	WHERE id = $1 AND last_reported IS DISTINCT FROM current_date`, v.OrganisationID)
	return err
}

// claimKey records an Idempotency-Key for this user, or finds the answer
// stored under it. A concurrent first request with the same key holds its
// row until it commits; this insert waits for it and then sees its answer.
func claimKey(ctx context.Context, tx pgx.Tx, user int64, idem geo.Idempotency) (geo.Answer, bool, error) {
	tag, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (user_id, key, route, request_hash, status, body)
	VALUES ($1, $2, $3, $4, 0, '') ON CONFLICT DO NOTHING`, user, idem.Key, idem.Route, idem.Hash)
	if err != nil || tag.RowsAffected() == 1 {
		return geo.Answer{}, false, err
	}
	var a geo.Answer
	var route string
	var hash []byte
	err = tx.QueryRow(ctx, `SELECT route, request_hash, status, location, etag, body FROM idempotency_keys
	WHERE user_id = $1 AND key = $2`, user, idem.Key).Scan(&route, &hash, &a.Status, &a.Location, &a.ETag, &a.Body)
	if err != nil {
		return a, false, err
	}
	if route != idem.Route || string(hash) != string(idem.Hash) {
		return a, false, &geo.Error{Code: geo.EUnprocessable, Message: "this Idempotency-Key was used for another request",
			Fields: []geo.FieldError{{Parameter: "Idempotency-Key", Detail: "already used with a different body"}}}
	}
	return a, true, nil
}

func storeAnswer(ctx context.Context, tx pgx.Tx, user int64, key string, a geo.Answer) error {
	_, err := tx.Exec(ctx, `UPDATE idempotency_keys SET status = $3, location = $4, etag = $5, body = $6
	WHERE user_id = $1 AND key = $2`, user, key, a.Status, a.Location, a.ETag, []byte(a.Body))
	return err
}

// logChange appends one entry to the change log.
func logChange(ctx context.Context, tx pgx.Tx, v geo.Viewer, e geo.Entity, key any, action geo.ChangeAction, version *int, changes map[string]geo.FieldChange) error {
	b, err := json.Marshal(changes)
	if err != nil {
		return err
	}
	var actor *int64
	if v.UserID > 0 {
		actor = &v.UserID
	}
	_, err = tx.Exec(ctx, `INSERT INTO change_log (entity, entity_key, action, version, actor_id, changes)
	VALUES ($1, $2, $3, $4, $5, $6)`, string(e), fmt.Sprint(key), string(action), version, actor, b)
	return err
}
