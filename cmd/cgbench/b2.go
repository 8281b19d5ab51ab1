package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/commonground/commonground/api"
	"github.com/commonground/commonground/geo"
)

// B2 reads the same data as plain rows (the activity page, then its
// locations with ST_AsBinary points, organisations and themes in one
// pipelined batch) and encodes the FeatureCollection in Go with the
// server's own encoder (api.AppendActivityFeature). The reads are B2's own
// raw SQL: it counts on every request, where the server caches the count.

func b2PageSQL(where, limit, offset string) string {
	return `WITH page AS (SELECT a.id FROM activities a WHERE ` + where + ` ORDER BY a.id LIMIT ` + limit +
		` OFFSET ` + offset + `)
SELECT a.id, a.iati_identifier, a.title, a.description, a.status, a.start_date, a.end_date, a.budget::text,
	a.currency::text, a.visibility, a.programme_id, p.name, p.type, a.demo, a.updated_at
FROM page JOIN activities a USING (id) LEFT JOIN programmes p ON p.id = a.programme_id
ORDER BY a.id`
}

const (
	b2Locations = `SELECT l.activity_id, l.kind, l.precision, l.name, l.country_code::text, l.place_id, ST_AsBinary(l.point)
FROM activity_locations l WHERE l.activity_id = ANY($1) ORDER BY l.activity_id, l.id`
	b2Orgs = `SELECT ao.activity_id, o.id, o.slug, o.name, ao.role, o.constituency
FROM activity_organisations ao JOIN organisations o ON o.id = ao.organisation_id
WHERE ao.activity_id = ANY($1) ORDER BY ao.activity_id, ao.role = 'lead' DESC, o.name`
	b2Themes = `SELECT activity_id, theme_code FROM activity_themes WHERE activity_id = ANY($1)
ORDER BY activity_id, theme_code`
)

// runB2 answers r from plain rows encoded in Go and writes the
// FeatureCollection to w; it returns the number of bytes written.
func runB2(ctx context.Context, pool *pgxpool.Pool, r request, w io.Writer) (int, error) {
	where, args := r.where()
	n := len(args)
	var matched int64
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM activities a WHERE `+where, args...).Scan(&matched); err != nil {
		return 0, fmt.Errorf("B2 count: %w", err)
	}
	page, err := b2Page(ctx, pool, b2PageSQL(where, "$"+strconv.Itoa(n+1), "$"+strconv.Itoa(n+2)),
		append(args[:n:n], r.limit, r.offset))
	if err != nil {
		return 0, err
	}
	if err := b2Children(ctx, pool, page); err != nil {
		return 0, err
	}
	return w.Write(appendB2Collection(make([]byte, 0, 64<<10), matched, page))
}

// appendB2Collection appends the FeatureCollection of page, each Feature
// encoded by the server's encoder.
func appendB2Collection(b []byte, matched int64, page []geo.ActivityView) []byte {
	b = append(b, `{"type":"FeatureCollection","numberMatched":`...)
	b = strconv.AppendInt(b, matched, 10)
	b = append(b, `,"numberReturned":`...)
	b = strconv.AppendInt(b, int64(len(page)), 10)
	b = append(b, `,"features":[`...)
	for i := range page {
		if i > 0 {
			b = append(b, ',')
		}
		b = api.AppendActivityFeature(b, page[i])
	}
	return append(b, "]}\n"...)
}

func b2Page(ctx context.Context, pool *pgxpool.Pool, sql string, args []any) ([]geo.ActivityView, error) {
	rows, err := pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("B2 page: %w", err)
	}
	var page []geo.ActivityView
	var a geo.ActivityView
	var iati, budget, currency, programme, programmeType *string
	var start, end *time.Time
	var programmeID *int64
	_, err = pgx.ForEachRow(rows, []any{&a.ID, &iati, &a.Title, &a.Description, &a.Status, &start, &end, &budget,
		&currency, &a.Visibility, &programmeID, &programme, &programmeType, &a.Demo, &a.UpdatedAt}, func() error {
		a.IATIIdentifier, a.Budget, a.Currency, a.ProgrammeName = deref(iati), deref(budget), deref(currency), deref(programme)
		a.ProgrammeType = geo.ProgrammeType(deref(programmeType))
		a.Start, a.End = deref(start), deref(end)
		a.ProgrammeID = deref(programmeID)
		page = append(page, a)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("B2 page: %w", err)
	}
	return page, nil
}

// deref is *p, or the zero value (what the encoder writes as null) for nil.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// b2Children fills in the page's locations, organisations and themes with
// one pipelined batch of three queries.
func b2Children(ctx context.Context, pool *pgxpool.Pool, page []geo.ActivityView) error {
	if len(page) == 0 {
		return nil
	}
	ids := make([]int64, len(page))
	at := make(map[int64]*geo.ActivityView, len(page))
	for i := range page {
		ids[i] = page[i].ID
		at[page[i].ID] = &page[i]
	}
	var id int64
	var b pgx.Batch
	b.Queue(b2Locations, ids).Query(func(rows pgx.Rows) error {
		var l geo.LocationView
		var country *string
		var place *int64
		var raw []byte
		_, err := pgx.ForEachRow(rows, []any{&id, &l.Kind, &l.Precision, &l.Name, &country, &place, &raw}, func() error {
			g, err := wkb.Unmarshal(raw)
			if err != nil {
				return err
			}
			p, ok := g.(orb.Point)
			if !ok {
				return fmt.Errorf("location of activity %d: %s, not a point", id, g.GeoJSONType())
			}
			l.CountryCode, l.PlaceID, l.Point = deref(country), deref(place), p
			at[id].Locations = append(at[id].Locations, l)
			return nil
		})
		return wrapErr("B2 locations", err)
	})
	b.Queue(b2Orgs, ids).Query(func(rows pgx.Rows) error {
		var o geo.OrganisationRole
		_, err := pgx.ForEachRow(rows, []any{&id, &o.ID, &o.Slug, &o.Name, &o.Role, &o.Constituency}, func() error {
			at[id].Organisations = append(at[id].Organisations, o)
			return nil
		})
		return wrapErr("B2 organisations", err)
	})
	b.Queue(b2Themes, ids).Query(func(rows pgx.Rows) error {
		var code string
		_, err := pgx.ForEachRow(rows, []any{&id, &code}, func() error {
			at[id].Themes = append(at[id].Themes, code)
			return nil
		})
		return wrapErr("B2 themes", err)
	})
	return pool.SendBatch(ctx, &b).Close()
}

// wrapErr prefixes err with what, keeping nil nil.
func wrapErr(what string, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
