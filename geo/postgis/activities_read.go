package postgis

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/commonground/commonground/geo"
)

// activitySort maps each of geo.ActivitySortable to SQL; only these names
// may order results.
var activitySort = map[string]string{
	"id":         "a.id",
	"title":      "a.title",
	"status":     "a.status",
	"start_date": "a.start_date",
	"end_date":   "a.end_date",
	"budget":     "a.budget",
	"updated_at": "a.updated_at",
}

// orderBy renders sort keys (validated against activitySort), always
// ending with the id so pages are stable.
func orderBy(keys []geo.SortKey) (string, error) {
	var parts []string
	for _, k := range keys {
		col, ok := activitySort[k.Property]
		if !ok {
			return "", &geo.Error{Code: geo.EInvalid, Message: "cannot sort by " + k.Property,
				Fields: []geo.FieldError{{Parameter: "sortby", Detail: fmt.Sprintf("unknown property %q", k.Property)}}}
		}
		dir := " ASC NULLS LAST"
		if k.Desc {
			dir = " DESC NULLS LAST"
		}
		parts = append(parts, col+dir)
	}
	return strings.Join(append(parts, "a.id"), ", "), nil
}

// ActivityPage returns one page of the activities f selects for v and the
// number matched in all. Rows come back plain (the API encodes them): this
// measured twice as fast as having PostGIS build each feature's JSON
// (BENCHMARKS.md).
func (s *Store) ActivityPage(ctx context.Context, v geo.Viewer, f geo.ActivityFilter, p geo.Page) (geo.ActivityPage, error) {
	var q query
	if err := q.activities(v, f); err != nil {
		return geo.ActivityPage{}, err
	}
	order, err := orderBy(p.SortBy)
	if err != nil {
		return geo.ActivityPage{}, err
	}
	var out geo.ActivityPage
	if out.NumberMatched, err = s.countActivities(ctx, q.sql(), q.args); err != nil {
		return out, fmt.Errorf("postgis: count activities: %w", translate(err))
	}
	sql := `SELECT a.id FROM activities a WHERE ` + q.sql() + ` ORDER BY ` + order +
		` LIMIT ` + q.arg(p.Limit) + ` OFFSET ` + q.arg(p.Offset)
	ids, err := collectIDs(ctx, s.pool, sql, q.args)
	if err != nil {
		return out, fmt.Errorf("postgis: activities: %w", translate(err))
	}
	if out.Activities, err = loadActivities(ctx, s.pool, ids); err != nil {
		return out, fmt.Errorf("postgis: activities: %w", translate(err))
	}
	return out, nil
}

// Activity returns one activity, or ENotFound when it does not exist or v
// may not see it.
func (s *Store) Activity(ctx context.Context, v geo.Viewer, id int64) (geo.ActivityView, error) {
	page, err := s.ActivityPage(ctx, v, geo.ActivityFilter{IDs: []int64{id}}, geo.Page{Limit: 1})
	if err != nil {
		return geo.ActivityView{}, err
	}
	if len(page.Activities) == 0 {
		return geo.ActivityView{}, geo.Errorf(geo.ENotFound, "no activity %d", id)
	}
	return page.Activities[0], nil
}

// exportChunk is how many activities an export loads at a time.
const exportChunk = 500

// EachActivity streams every activity f selects for v, in order, chunk by
// chunk from one consistent snapshot, so an export holds only the ids and
// one chunk in memory. It stops at fn's first error. It is bounded by ctx
// rather than statement_timeout.
func (s *Store) EachActivity(ctx context.Context, v geo.Viewer, f geo.ActivityFilter, p geo.Page, fn func(geo.ActivityView) error) error {
	var q query
	if err := q.activities(v, f); err != nil {
		return err
	}
	order, err := orderBy(p.SortBy)
	if err != nil {
		return err
	}
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	err = pgx.BeginTxFunc(ctx, s.pool, opts, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
			return err
		}
		ids, err := collectIDs(ctx, tx, `SELECT a.id FROM activities a WHERE `+q.sql()+` ORDER BY `+order, q.args)
		if err != nil {
			return err
		}
		for start := 0; start < len(ids); start += exportChunk {
			views, err := loadActivities(ctx, tx, ids[start:min(start+exportChunk, len(ids))])
			if err != nil {
				return err
			}
			for _, a := range views {
				if err := fn(a); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgis: export activities: %w", translate(err))
	}
	return nil
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

func collectIDs(ctx context.Context, db querier, sql string, args []any) ([]int64, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

const selectActivities = `
SELECT a.id, coalesce(a.iati_identifier, ''), a.title, a.description, a.status, a.start_date, a.end_date,
	coalesce(a.budget::text, ''), coalesce(a.currency::text, ''), a.visibility, coalesce(a.programme_id, 0),
	coalesce(p.name, ''), coalesce(p.type, ''), a.demo, a.updated_at, a.version
FROM unnest($1::bigint[]) WITH ORDINALITY u(id, n)
JOIN activities a ON a.id = u.id LEFT JOIN programmes p ON p.id = a.programme_id
ORDER BY u.n`

// The children of a set of activities, each in the order shown.
const (
	selectLocations = `SELECT l.activity_id, l.kind, l.precision, l.name, coalesce(l.country_code::text, ''),
	coalesce(l.place_id, 0), ST_X(l.point), ST_Y(l.point)
FROM activity_locations l WHERE l.activity_id = ANY($1) ORDER BY l.activity_id, l.id`
	selectOrganisations = `SELECT ao.activity_id, o.id, o.slug, o.name, ao.role, o.constituency
FROM activity_organisations ao JOIN organisations o ON o.id = ao.organisation_id
WHERE ao.activity_id = ANY($1) ORDER BY ao.activity_id, ao.role = 'lead' DESC, o.name, o.id`
	selectThemes = `SELECT activity_id, theme_code FROM activity_themes WHERE activity_id = ANY($1)
ORDER BY activity_id, theme_code`
)

// loadActivities reads the activities with the given ids, in that order,
// with their organisations, themes and locations (one round trip for the
// rows, one pipelined batch for the children).
func loadActivities(ctx context.Context, db querier, ids []int64) ([]geo.ActivityView, error) {
	out := make([]geo.ActivityView, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := db.Query(ctx, selectActivities, ids)
	if err != nil {
		return nil, err
	}
	index := make(map[int64]int, len(ids))
	for rows.Next() {
		var a geo.ActivityView
		var start, end *time.Time
		if err := rows.Scan(&a.ID, &a.IATIIdentifier, &a.Title, &a.Description, &a.Status, &start, &end, &a.Budget,
			&a.Currency, &a.Visibility, &a.ProgrammeID, &a.ProgrammeName, &a.ProgrammeType, &a.Demo, &a.UpdatedAt, &a.Version); err != nil {
			rows.Close()
			return nil, err
		}
		if start != nil {
			a.Start = *start
		}
		if end != nil {
			a.End = *end
		}
		a.Themes = []string{}
		index[a.ID] = len(out)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, loadChildren(ctx, db, ids, out, index)
}

func loadChildren(ctx context.Context, db querier, ids []int64, out []geo.ActivityView, index map[int64]int) error {
	var b pgx.Batch
	b.Queue(selectLocations, ids).Query(func(rows pgx.Rows) error {
		var l geo.LocationView
		var id int64
		var x, y float64
		_, err := pgx.ForEachRow(rows, []any{&id, &l.Kind, &l.Precision, &l.Name, &l.CountryCode, &l.PlaceID, &x, &y}, func() error {
			l.Point = orb.Point{x, y}
			out[index[id]].Locations = append(out[index[id]].Locations, l)
			return nil
		})
		return err
	})
	b.Queue(selectOrganisations, ids).Query(func(rows pgx.Rows) error {
		var o geo.OrganisationRole
		var id int64
		_, err := pgx.ForEachRow(rows, []any{&id, &o.ID, &o.Slug, &o.Name, &o.Role, &o.Constituency}, func() error {
			out[index[id]].Organisations = append(out[index[id]].Organisations, o)
			return nil
		})
		return err
	})
	b.Queue(selectThemes, ids).Query(func(rows pgx.Rows) error {
		var id int64
		var theme string
		_, err := pgx.ForEachRow(rows, []any{&id, &theme}, func() error {
			out[index[id]].Themes = append(out[index[id]].Themes, theme)
			return nil
		})
		return err
	})
	return db.SendBatch(ctx, &b).Close()
}
