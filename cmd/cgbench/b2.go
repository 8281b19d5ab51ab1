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
)

// B2 reads the same data as plain rows (the activity page, then its
// locations with ST_AsBinary points, organisations and themes in one
// pipelined batch) and encodes the FeatureCollection in Go.

type b2Activity struct {
	id                              int64
	iati, budget, currency          *string
	title, description, status, vis string
	start, end                      *time.Time
	programmeID                     *int64
	programme, programmeType        *string
	demo                            bool
	updated                         time.Time
	locs                            []b2Location
	orgs                            []b2Org
	themes                          []string
}

type b2Location struct {
	kind, precision, name string
	country               *string
	placeID               *int64
	point                 orb.Point
}

type b2Org struct {
	id                             int64
	slug, name, role, constituency string
}

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
	buf := appendCollection(make([]byte, 0, 64<<10), matched, page)
	return w.Write(buf)
}

func b2Page(ctx context.Context, pool *pgxpool.Pool, sql string, args []any) ([]b2Activity, error) {
	rows, err := pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("B2 page: %w", err)
	}
	var page []b2Activity
	for rows.Next() {
		var a b2Activity
		err := rows.Scan(&a.id, &a.iati, &a.title, &a.description, &a.status, &a.start, &a.end, &a.budget,
			&a.currency, &a.vis, &a.programmeID, &a.programme, &a.programmeType, &a.demo, &a.updated)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("B2 page: %w", err)
		}
		page = append(page, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("B2 page: %w", err)
	}
	return page, nil
}

// b2Children fills in the page's locations, organisations and themes with
// one pipelined batch of three queries.
func b2Children(ctx context.Context, pool *pgxpool.Pool, page []b2Activity) error {
	if len(page) == 0 {
		return nil
	}
	ids := make([]int64, len(page))
	at := make(map[int64]*b2Activity, len(page))
	for i := range page {
		ids[i] = page[i].id
		at[page[i].id] = &page[i]
	}
	b := &pgx.Batch{}
	b.Queue(b2Locations, ids)
	b.Queue(b2Orgs, ids)
	b.Queue(b2Themes, ids)
	res := pool.SendBatch(ctx, b)
	defer res.Close()
	if err := scanLocations(res, at); err != nil {
		return fmt.Errorf("B2 locations: %w", err)
	}
	if err := scanOrgs(res, at); err != nil {
		return fmt.Errorf("B2 organisations: %w", err)
	}
	if err := scanThemes(res, at); err != nil {
		return fmt.Errorf("B2 themes: %w", err)
	}
	return res.Close()
}

func scanLocations(res pgx.BatchResults, at map[int64]*b2Activity) error {
	rows, err := res.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var l b2Location
		var raw []byte
		if err := rows.Scan(&id, &l.kind, &l.precision, &l.name, &l.country, &l.placeID, &raw); err != nil {
			return err
		}
		g, err := wkb.Unmarshal(raw)
		if err != nil {
			return err
		}
		p, ok := g.(orb.Point)
		if !ok {
			return fmt.Errorf("location of activity %d: %s, not a point", id, g.GeoJSONType())
		}
		l.point = p
		at[id].locs = append(at[id].locs, l)
	}
	return rows.Err()
}

func scanOrgs(res pgx.BatchResults, at map[int64]*b2Activity) error {
	rows, err := res.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var o b2Org
		if err := rows.Scan(&id, &o.id, &o.slug, &o.name, &o.role, &o.constituency); err != nil {
			return err
		}
		at[id].orgs = append(at[id].orgs, o)
	}
	return rows.Err()
}

func scanThemes(res pgx.BatchResults, at map[int64]*b2Activity) error {
	rows, err := res.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return err
		}
		at[id].themes = append(at[id].themes, code)
	}
	return rows.Err()
}
