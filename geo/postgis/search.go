package postgis

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/commonground/commonground/geo"
)

// searchSQL ranks activities the viewer may see, organisations and
// gazetteer places against the text $1. Activities rank by full-text rank
// and title similarity; organisations by name or alias similarity; places by
// name similarity weighted by the log of their population, so "Lagos" finds
// the megacity before the villages. Each kind gives at most $2 hits.
const searchSQL = `(SELECT 'activity', a.id, a.title, coalesce(lo.name, ''), coalesce(l.country_code::text, ''),
		ST_X(l.point), ST_Y(l.point),
		(ts_rank(a.search, websearch_to_tsquery('simple', $1)) + similarity(lower(a.title), lower($1)))::float8 AS score
	FROM activities a
	LEFT JOIN LATERAL (SELECT point, country_code FROM activity_locations WHERE activity_id = a.id ORDER BY id LIMIT 1) l ON true
	LEFT JOIN LATERAL (SELECT o.name FROM activity_organisations ao JOIN organisations o ON o.id = ao.organisation_id
		WHERE ao.activity_id = a.id AND ao.role = 'lead') lo ON true
	WHERE %s AND (a.search @@ websearch_to_tsquery('simple', $1) OR lower(a.title) LIKE '%%' || lower($1) || '%%')
	ORDER BY score DESC, a.id LIMIT $2)
UNION ALL
(SELECT 'organisation', o.id, o.name, o.constituency, '', ST_X(o.hq), ST_Y(o.hq),
		greatest(similarity(lower(o.name), lower($1)), similarity(lower(o.short_name), lower($1)),
			(SELECT max(similarity(lower(al), lower($1))) FROM unnest(o.aliases) al))::float8 + 0.5 AS score
	FROM organisations o
	WHERE lower(o.name) LIKE '%%' || lower($1) || '%%' OR lower(o.short_name) = lower($1)
		OR EXISTS (SELECT FROM unnest(o.aliases) al WHERE lower(al) LIKE '%%' || lower($1) || '%%')
	ORDER BY score DESC, o.id LIMIT $2)
UNION ALL
(SELECT 'place', p.geonameid, p.name, coalesce(c.name, ''), p.country_code::text, ST_X(p.geom), ST_Y(p.geom),
		(similarity(lower(p.ascii_name), lower($3)) * ln(10 + p.population) / 10)::float8 AS score
	FROM places p LEFT JOIN countries c ON c.iso_a2 = p.country_code
	WHERE lower(p.ascii_name) LIKE lower($3) || '%%'
	ORDER BY score DESC, p.population DESC LIMIT $2)
ORDER BY 8 DESC`

// Search finds activities (only those v may see), organisations and places
// matching text, best first, at most limit of each kind. asciiText is text
// with accents stripped, for the gazetteer's ASCII names.
func (s *Store) Search(ctx context.Context, v geo.Viewer, text, asciiText string, limit int) ([]geo.SearchHit, error) {
	q := query{args: []any{text, limit, asciiText}}
	q.visible(v)
	rows, err := s.pool.Query(ctx, fmt.Sprintf(searchSQL, q.sql()), q.args...)
	if err != nil {
		return nil, fmt.Errorf("postgis: search: %w", translate(err))
	}
	hits, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (geo.SearchHit, error) {
		var h geo.SearchHit
		var lon, lat *float64
		err := r.Scan(&h.Type, &h.ID, &h.Name, &h.Detail, &h.CountryCode, &lon, &lat, &h.Score)
		if lon != nil && lat != nil {
			h.Point = &[2]float64{*lon, *lat}
		}
		return h, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgis: search: %w", translate(err))
	}
	return hits, nil
}
