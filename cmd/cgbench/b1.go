package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/jackc/pgx/v5/pgxpool"
)

// B1 is PostGIS building the whole answer: b1Feature and b1Joins are the
// SQL the server ran to build each Feature before it read plain rows and
// encoded them in Go (BENCHMARKS.md, "Items (issue 3)", "First cut"). It is
// the raw-database bound of the items path that the server does not share
// code with. `cgbench check` verifies that B1 returns the server's features
// and numberMatched.
const b1Feature = `json_build_object(
	'type', 'Feature',
	'id', a.id,
	'geometry', ST_AsGeoJSON(loc.points, 6)::json,
	'properties', CASE WHEN %[1]s::text[] IS NULL THEN props.p
		ELSE (SELECT coalesce(jsonb_object_agg(k, v), '{}') FROM jsonb_each(props.p) e(k, v) WHERE k = ANY(%[1]s::text[])) END
)::text`

const b1Joins = `
LEFT JOIN programmes p ON p.id = a.programme_id
LEFT JOIN LATERAL (
	SELECT ST_Collect(l.point ORDER BY l.id) AS points, count(*) AS n,
		json_agg(json_build_object('kind', l.kind, 'precision', l.precision, 'name', l.name,
			'country_code', l.country_code, 'place_id', l.place_id) ORDER BY l.id) AS list,
		array_agg(DISTINCT l.country_code::text) FILTER (WHERE l.country_code IS NOT NULL) AS countries,
		(array_agg(l.precision ORDER BY array_position(
			ARRAY['exact', 'approximate', 'city', 'admin_area', 'country'], l.precision)))[1] AS best
	FROM activity_locations l WHERE l.activity_id = a.id
) loc ON true
LEFT JOIN LATERAL (
	SELECT json_agg(json_build_object('id', o.id, 'slug', o.slug, 'name', o.name, 'role', ao.role,
			'constituency', o.constituency) ORDER BY ao.role = 'lead' DESC, o.name) AS list,
		min(o.id) FILTER (WHERE ao.role = 'lead') AS lead_id,
		min(o.name) FILTER (WHERE ao.role = 'lead') AS lead_name,
		min(o.constituency) FILTER (WHERE ao.role = 'lead') AS lead_constituency
	FROM activity_organisations ao JOIN organisations o ON o.id = ao.organisation_id
	WHERE ao.activity_id = a.id
) org ON true
LEFT JOIN LATERAL (
	SELECT coalesce(array_agg(t.theme_code ORDER BY t.theme_code), '{}') AS list
	FROM activity_themes t WHERE t.activity_id = a.id
) th ON true
CROSS JOIN LATERAL (SELECT jsonb_build_object(
	'iati_identifier', a.iati_identifier, 'title', a.title, 'description', a.description,
	'status', a.status, 'start_date', a.start_date, 'end_date', a.end_date,
	'budget', a.budget, 'currency', a.currency, 'visibility', a.visibility,
	'programme_id', a.programme_id, 'programme_name', p.name, 'programme_type', p.type,
	'lead_organisation_id', org.lead_id, 'lead_organisation', org.lead_name,
	'lead_constituency', org.lead_constituency, 'organisations', coalesce(org.list, '[]'),
	'themes', th.list, 'countries', coalesce(loc.countries, '{}'), 'precision', loc.best,
	'location_count', coalesce(loc.n, 0), 'locations', coalesce(loc.list, '[]'),
	'demo', a.demo, 'updated_at', a.updated_at) AS p) props`

// b1SQL returns B1's count and page queries for r and their arguments, in
// the order the server added them: the filter's, then properties (NULL:
// all), limit and offset.
func b1SQL(r request) (count string, page string, countArgs, pageArgs []any) {
	where, args := r.where()
	n := len(args)
	ph := func(k int) string { return "$" + strconv.Itoa(n+k) }
	props, limit, offset := ph(1), ph(2), ph(3)
	page = `WITH page AS (SELECT a.id FROM activities a WHERE ` + where + ` ORDER BY a.id LIMIT ` + limit +
		` OFFSET ` + offset + `)
SELECT ` + fmt.Sprintf(b1Feature, props) + `
FROM page JOIN activities a USING (id)` + b1Joins + `
ORDER BY a.id`
	return `SELECT count(*) FROM activities a WHERE ` + where, page, args, append(args[:n:n], nil, r.limit, r.offset)
}

// runB1 answers r the way the server's store once did (count, then the
// page's Feature texts) and writes a FeatureCollection to w; it returns the
// number of bytes written.
func runB1(ctx context.Context, pool *pgxpool.Pool, r request, w io.Writer) (int, error) {
	countSQL, pageSQL, countArgs, pageArgs := b1SQL(r)
	var matched int64
	if err := pool.QueryRow(ctx, countSQL, countArgs...).Scan(&matched); err != nil {
		return 0, fmt.Errorf("B1 count: %w", err)
	}
	rows, err := pool.Query(ctx, pageSQL, pageArgs...)
	if err != nil {
		return 0, fmt.Errorf("B1 page: %w", err)
	}
	defer rows.Close()
	cw := &countWriter{w: w}
	bw := bufio.NewWriterSize(cw, 64<<10)
	n := 0
	bw.WriteString(`{"type":"FeatureCollection","numberMatched":` + strconv.FormatInt(matched, 10) + `,"features":[`)
	for rows.Next() {
		raw := rows.RawValues()
		if len(raw) != 1 {
			return 0, fmt.Errorf("B1 page: %d columns", len(raw))
		}
		if n > 0 {
			bw.WriteByte(',')
		}
		bw.Write(raw[0])
		n++
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("B1 page: %w", err)
	}
	bw.WriteString(`],"numberReturned":` + strconv.Itoa(n) + "}\n")
	err = bw.Flush()
	return cw.n, err
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int
}

func (c *countWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += n
	return n, err
}
