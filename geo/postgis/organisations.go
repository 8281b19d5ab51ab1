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
	var sel query
	if len(f.Organisations) > 0 {
		sel.and(`o.id = ANY(` + sel.arg(f.Organisations) + `)`)
	}
	if len(f.Constituencies) > 0 {
		sel.and(`o.constituency = ANY(` + sel.arg(strs(f.Constituencies)) + `)`)
	}
	if f.BBox != nil {
		sel.and(bboxCondition(&sel, "o.hq", *f.BBox))
	}
	f.Organisations, f.Constituencies, f.BBox = nil, nil, nil
	return s.collectionFeatures(ctx, "organisations", sel, v, f, p, organisationStatements)
}

// organisationStatements counts the organisations c selects and pages them
// by name, each with the activities of c.m it takes part in and the
// countries those reach.
func organisationStatements(c *collectionQuery) (count, page string) {
	count = `SELECT count(*) FROM organisations o WHERE ` + c.sel
	page = `WITH m AS (` + c.m + `),
n AS (SELECT ao.organisation_id, count(DISTINCT m.id) activities, count(DISTINCT l.country_code) countries
	FROM m JOIN activity_organisations ao ON ao.activity_id = m.id
	LEFT JOIN activity_locations l ON l.activity_id = m.id
	GROUP BY ao.organisation_id)
SELECT count(*) OVER (), ` + organisationFeature + `
FROM organisations o LEFT JOIN n ON n.organisation_id = o.id
WHERE ` + c.sel + `
ORDER BY o.name, o.id` + c.page
	return count, page
}

// Organisation returns one organisation as a Feature, or ENotFound.
func (s *Store) Organisation(ctx context.Context, v geo.Viewer, id int64) (json.RawMessage, error) {
	page, err := s.OrganisationFeatures(ctx, v, geo.ActivityFilter{Organisations: []int64{id}}, geo.Page{Limit: 1})
	return collectionItem(page, err, "organisation", id)
}
