package postgis

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/commonground/commonground/geo"
)

// ActivityHistory returns the change log of activity id, newest first, when
// v may see the activity (ENotFound otherwise). The secretariat also sees
// the history of a deleted activity.
func (s *Store) ActivityHistory(ctx context.Context, v geo.Viewer, id int64, p geo.HistoryPage) ([]geo.Change, error) {
	var out []geo.Change
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, _, _, err := loadInput(ctx, tx, v, id, false); err != nil {
			var deleted bool
			if geo.ErrorCode(err) != geo.ENotFound || v.Kind != geo.Secretariat {
				return err
			}
			if qerr := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM deleted_activities WHERE id = $1)`, id).Scan(&deleted); qerr != nil || !deleted {
				return err
			}
		}
		var err error
		out, err = history(ctx, tx, geo.EntityActivity, fmt.Sprint(id), p)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgis: activity %d history: %w", id, translate(err))
	}
	return out, nil
}

// historyTables are the tables of the entities History reads.
var historyTables = map[geo.Entity]string{geo.EntityOrganisation: "organisations", geo.EntityProgramme: "programmes"}

// History returns the change log of organisation or programme id, newest
// first; ENotFound when there is no such one.
func (s *Store) History(ctx context.Context, e geo.Entity, id int64, p geo.HistoryPage) ([]geo.Change, error) {
	table, ok := historyTables[e]
	if !ok {
		return nil, geo.Errorf(geo.ENotFound, "no history of %s", e)
	}
	var out []geo.Change
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM `+table+` WHERE id = $1)`, id).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return geo.Errorf(geo.ENotFound, "no %s %d", e, id)
		}
		var err error
		out, err = history(ctx, tx, e, fmt.Sprint(id), p)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgis: %s %d history: %w", e, id, translate(err))
	}
	return out, nil
}

// history reads one page of an entity's change log, newest first, with
// each actor's current display name.
func history(ctx context.Context, tx pgx.Tx, e geo.Entity, key string, p geo.HistoryPage) ([]geo.Change, error) {
	limit := p.Limit
	if limit <= 0 || limit > geo.MaxHistoryLimit {
		limit = geo.DefaultHistoryLimit
	}
	rows, err := tx.Query(ctx, `SELECT c.id, c.at, c.action, c.version, c.actor_id, coalesce(u.display_name, ''), c.changes
	FROM change_log c LEFT JOIN users u ON u.id = c.actor_id
	WHERE c.entity = $1 AND c.entity_key = $2 AND ($3::bigint = 0 OR c.id < $3)
	ORDER BY c.id DESC LIMIT $4`, string(e), key, p.Before, limit)
	if err != nil {
		return nil, err
	}
	out := []geo.Change{}
	var c geo.Change
	var actor *int64
	var name string
	var changes []byte
	_, err = pgx.ForEachRow(rows, []any{&c.ID, &c.At, &c.Action, &c.Version, &actor, &name, &changes}, func() error {
		c.Actor, c.Changes = nil, nil
		if actor != nil {
			c.Actor = &geo.Actor{ID: *actor, Name: name}
		}
		if err := json.Unmarshal(changes, &c.Changes); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	return out, err
}
