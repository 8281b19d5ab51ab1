package postgis

import (
	"context"
	"encoding/json"

	"github.com/commonground/commonground/geo"
)

const organisationFeature = `json_build_object(
	'type', 'Feature', 'id', o.id,
	'geometry', ST_AsGeoJSON(o.hq, 6)::json,
	'properties', json_build_object(
		'slug', o.slug, 'name', o.name, 'short_name', o.short_name, 'aliases', o.aliases,
		'constituency', o.constituency, 'iati_org_id', o.iati_org_id, 'website', o.website,
		'member_since', o.member_since, 'last_reported', o.last_reported, 'demo', o.demo,
		'activity_count', coalesce(n.activities, 0), 'country_count', coalesce(n.countries, 0)))::text`

// OrganisationFeatures returns a page of member organisations (HQ points)
// with the number of activities f selects for v in which each takes part and
// the number of countries those activities reach. The organisations are
// selected by f's Organisations, Constituencies and BBox (HQ inside); f's
// other constraints select the activities counted.
func (s *Store) OrganisationFeatures(ctx context.Context, v geo.Viewer, f geo.ActivityFilter, p geo.Page) (geo.FeaturePage, error) {
	var q query
	if len(f.Organisations) > 0 {
		q.and(`o.id = ANY(` + q.arg(f.Organisations) + `)`)
	}
	if len(f.Constituencies) > 0 {
		q.and(`o.constituency = ANY(` + q.arg(strs(f.Constituencies)) + `)`)
	}
	if f.BBox != nil {
		q.and(bboxCondition(&q, "o.hq", *f.BBox))
	}
	f.Organisations, f.Constituencies, f.BBox = nil, nil, nil
	countSQL := `SELECT count(*) FROM organisations o WHERE ` + q.sql()
	countArgs := len(q.args)
	where := q.sql()
	m, err := q.matching(v, f)
	if err != nil {
		return geo.FeaturePage{}, err
	}
	sql := `WITH m AS (` + m + `),
n AS (SELECT ao.organisation_id, count(DISTINCT m.id) activities, count(DISTINCT l.country_code) countries
	FROM m JOIN activity_organisations ao ON ao.activity_id = m.id
	LEFT JOIN activity_locations l ON l.activity_id = m.id
	GROUP BY ao.organisation_id)
SELECT count(*) OVER (), ` + organisationFeature + `
FROM organisations o LEFT JOIN n ON n.organisation_id = o.id
WHERE ` + where + `
ORDER BY o.name, o.id LIMIT ` + q.arg(p.Limit) + ` OFFSET ` + q.arg(p.Offset)
	return s.collectionPage(ctx, "organisations", sql, countSQL, q.args, countArgs)
}

// Organisation returns one organisation as a Feature.
func (s *Store) Organisation(ctx context.Context, v geo.Viewer, id int64) (json.RawMessage, error) {
	page, err := s.OrganisationFeatures(ctx, v, geo.ActivityFilter{Organisations: []int64{id}}, geo.Page{Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(page.Features) == 0 {
		return nil, geo.Errorf(geo.ENotFound, "no organisation %d", id)
	}
	return page.Features[0], nil
}
