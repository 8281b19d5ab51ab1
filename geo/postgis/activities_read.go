package postgis

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

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

// activityFeature renders one activity (a) as a GeoJSON Feature in
// PostGIS: its geometry is the MultiPoint of its locations' representative
// points, and the locations property lists each location's kind and
// precision in the same order. $props (text[] or NULL) keeps only the named
// properties.
const activityFeature = `json_build_object(
	'type', 'Feature',
	'id', a.id,
	'geometry', ST_AsGeoJSON(loc.points, 6)::json,
	'properties', CASE WHEN %[1]s::text[] IS NULL THEN props.p
		ELSE (SELECT coalesce(jsonb_object_agg(k, v), '{}') FROM jsonb_each(props.p) e(k, v) WHERE k = ANY(%[1]s::text[])) END
)::text`

const activityJoins = `
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

// ActivityFeatures returns one page of the activities f selects for v, as
// GeoJSON Features built by PostGIS, and the number matched in all.
func (s *Store) ActivityFeatures(ctx context.Context, v geo.Viewer, f geo.ActivityFilter, p geo.Page) (geo.FeaturePage, error) {
	var q query
	if err := q.activities(v, f); err != nil {
		return geo.FeaturePage{}, err
	}
	order, err := orderBy(p.SortBy)
	if err != nil {
		return geo.FeaturePage{}, err
	}
	var out geo.FeaturePage
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM activities a WHERE `+q.sql(), q.args...).Scan(&out.NumberMatched); err != nil {
		return out, fmt.Errorf("postgis: count activities: %w", translate(err))
	}
	props := q.arg(propsArg(p.Properties))
	sql := `WITH page AS (SELECT a.id FROM activities a WHERE ` + q.sql() + ` ORDER BY ` + order +
		` LIMIT ` + q.arg(p.Limit) + ` OFFSET ` + q.arg(p.Offset) + `)
SELECT ` + fmt.Sprintf(activityFeature, props) + `
FROM page JOIN activities a USING (id)` + activityJoins + `
ORDER BY ` + order
	rows, err := s.pool.Query(ctx, sql, q.args...)
	if err != nil {
		return out, fmt.Errorf("postgis: activities: %w", translate(err))
	}
	out.Features, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (json.RawMessage, error) {
		var b []byte
		err := r.Scan(&b)
		return b, err
	})
	if err != nil {
		return out, fmt.Errorf("postgis: activities: %w", translate(err))
	}
	return out, nil
}

// Activity returns one activity as a GeoJSON Feature, or ENotFound when it
// does not exist or v may not see it.
func (s *Store) Activity(ctx context.Context, v geo.Viewer, id int64, properties []string) (json.RawMessage, error) {
	page, err := s.ActivityFeatures(ctx, v, geo.ActivityFilter{IDs: []int64{id}}, geo.Page{Limit: 1, Properties: properties})
	if err != nil {
		return nil, err
	}
	if len(page.Features) == 0 {
		return nil, geo.Errorf(geo.ENotFound, "no activity %d", id)
	}
	return page.Features[0], nil
}

// EachActivity streams every activity f selects for v, in order, as GeoJSON
// Features, without holding them in memory. It stops at fn's first error.
func (s *Store) EachActivity(ctx context.Context, v geo.Viewer, f geo.ActivityFilter, p geo.Page, fn func(json.RawMessage) error) error {
	var q query
	if err := q.activities(v, f); err != nil {
		return err
	}
	order, err := orderBy(p.SortBy)
	if err != nil {
		return err
	}
	props := q.arg(propsArg(p.Properties))
	sql := `SELECT ` + fmt.Sprintf(activityFeature, props) + `
FROM activities a` + activityJoins + `
WHERE ` + q.sql() + `
ORDER BY ` + order
	// An export may outlast statement_timeout; ctx (the export deadline)
	// bounds it instead.
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, sql, q.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var b []byte
			if err := rows.Scan(&b); err != nil {
				return err
			}
			if err := fn(b); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("postgis: export activities: %w", translate(err))
	}
	return nil
}

func propsArg(props []string) any {
	if props == nil {
		return nil
	}
	return props
}
