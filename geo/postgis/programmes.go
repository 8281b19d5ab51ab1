package postgis

import (
	"context"
	"encoding/json"

	"github.com/commonground/commonground/geo"
)

// programmeFeature renders a programme: no geometry of its own (its
// activities carry the places); bbox is its activities' extent.
const programmeFeature = `json_build_object(
	'type', 'Feature', 'id', pr.id, 'geometry', NULL,
	'properties', json_build_object(
		'slug', pr.slug, 'name', pr.name, 'type', pr.type, 'tier', pr.tier, 'description', pr.description,
		'lead_organisation_id', pr.lead_organisation_id, 'lead_organisation', lo.name,
		'participants', coalesce((SELECT json_agg(json_build_object('id', po.organisation_id, 'name', oo.name) ORDER BY oo.name)
			FROM programme_organisations po JOIN organisations oo ON oo.id = po.organisation_id WHERE po.programme_id = pr.id), '[]'),
		'demo', pr.demo, 'activity_count', coalesce(n.activities, 0), 'country_count', coalesce(n.countries, 0)))::text`

// ProgrammeFeatures returns a page of programmes with the number of
// activities f selects for v in each and the countries they reach. The
// programmes are selected by f's Programmes and ProgrammeTypes; f's other
// constraints select the activities counted.
func (s *Store) ProgrammeFeatures(ctx context.Context, v geo.Viewer, f geo.ActivityFilter, p geo.Page) (geo.FeaturePage, error) {
	var sel query
	if len(f.Programmes) > 0 {
		sel.and(`pr.id = ANY(` + sel.arg(f.Programmes) + `)`)
	}
	if len(f.ProgrammeTypes) > 0 {
		sel.and(`pr.type = ANY(` + sel.arg(strs(f.ProgrammeTypes)) + `)`)
	}
	f.Programmes, f.ProgrammeTypes = nil, nil
	return s.collectionFeatures(ctx, "programmes", sel, v, f, p, programmeStatements)
}

// programmeStatements counts the programmes c selects and pages them by
// tier and name, each with its activities of c.m and the countries they
// reach.
func programmeStatements(c *collectionQuery) (count, page string) {
	count = `SELECT count(*) FROM programmes pr WHERE ` + c.sel
	page = `WITH m AS (` + c.m + `),
n AS (SELECT a.programme_id, count(DISTINCT a.id) activities, count(DISTINCT l.country_code) countries
	FROM m JOIN activities a ON a.id = m.id LEFT JOIN activity_locations l ON l.activity_id = a.id
	GROUP BY a.programme_id)
SELECT count(*) OVER (), ` + programmeFeature + `
FROM programmes pr LEFT JOIN n ON n.programme_id = pr.id LEFT JOIN organisations lo ON lo.id = pr.lead_organisation_id
WHERE ` + c.sel + `
ORDER BY pr.tier, pr.name, pr.id` + c.page
	return count, page
}

// Programme returns one programme as a Feature, or ENotFound.
func (s *Store) Programme(ctx context.Context, v geo.Viewer, id int64) (json.RawMessage, error) {
	page, err := s.ProgrammeFeatures(ctx, v, geo.ActivityFilter{Programmes: []int64{id}}, geo.Page{Limit: 1})
	return collectionItem(page, err, "programme", id)
}
