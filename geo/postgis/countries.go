package postgis

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/commonground/commonground/geo"
)

// countrySimplify is the tolerance, in degrees, of the country outlines the
// countries collection returns: about 2 km, plenty for a world map (vector
// tiles simplify per zoom). Measured on the 1:10m data: 0.01 gives 4.0 MB
// of GeoJSON, 0.02 gives 2.3 MB.
const countrySimplify = 0.02

// countryFeature renders a country (c) with its counts (n) as a Feature.
const countryFeature = `json_build_object(
	'type', 'Feature', 'id', c.id,
	'geometry', ST_AsGeoJSON(ST_Multi(ST_SimplifyPreserveTopology(c.geom, %[1]s)), 6)::json,
	'properties', json_build_object(
		'iso_a2', c.iso_a2, 'iso_a3', c.iso_a3, 'iso_numeric', c.iso_numeric, 'name', c.name,
		'region_code', c.region_code, 'region', r.name, 'sub_region_code', c.sub_region_code, 'sub_region', sr.name,
		'intermediate_region_code', c.intermediate_region_code,
		'activity_count', coalesce(n.activities, 0), 'member_count', coalesce(n.members, 0)))::text`

// CountryFeatures returns a page of countries as GeoJSON Features with the
// number of activities f selects for v located in each and their distinct
// organisations (for choropleths). The countries themselves are selected by
// f's Countries, Regions and BBox (outline intersects); f's other
// constraints select the activities counted.
func (s *Store) CountryFeatures(ctx context.Context, v geo.Viewer, f geo.ActivityFilter, p geo.Page) (geo.FeaturePage, error) {
	var sel query
	if len(f.Countries) > 0 {
		sel.and(`c.iso_a2 = ANY(` + sel.arg(f.Countries) + `)`)
	}
	if len(f.Regions) > 0 {
		r := sel.arg(f.Regions)
		sel.and(`(c.region_code = ANY(` + r + `) OR c.sub_region_code = ANY(` + r + `) OR c.intermediate_region_code = ANY(` + r + `))`)
	}
	if f.BBox != nil {
		sel.and(bboxCondition(&sel, "c.geom", *f.BBox))
	}
	f.Countries, f.Regions, f.BBox = nil, nil, nil
	return s.collectionFeatures(ctx, "countries", sel, v, f, p, countryStatements)
}

// countryStatements counts the countries c selects and pages them by ISO
// code, each with the activities of c.m located in it and their distinct
// organisations, its outline simplified by countrySimplify.
func countryStatements(c *collectionQuery) (count, page string) {
	count = `SELECT count(*) FROM countries c WHERE ` + c.sel
	page = `WITH m AS (` + c.m + `),
n AS (SELECT l.country_code, count(DISTINCT l.activity_id) activities, count(DISTINCT ao.organisation_id) members
	FROM m JOIN activity_locations l ON l.activity_id = m.id
	JOIN activity_organisations ao ON ao.activity_id = m.id
	GROUP BY l.country_code)
SELECT count(*) OVER (), ` + fmt.Sprintf(countryFeature, c.arg(countrySimplify)) + `
FROM countries c LEFT JOIN n ON n.country_code = c.iso_a2
LEFT JOIN regions r ON r.code = c.region_code LEFT JOIN regions sr ON sr.code = c.sub_region_code
WHERE ` + c.sel + `
ORDER BY c.iso_a2` + c.page
	return count, page
}

// Country returns one country by its numeric id as a Feature, or ENotFound.
func (s *Store) Country(ctx context.Context, v geo.Viewer, id int64) (json.RawMessage, error) {
	var code string
	if err := s.pool.QueryRow(ctx, `SELECT iso_a2 FROM countries WHERE id = $1`, id).Scan(&code); err != nil {
		if geo.ErrorCode(translate(err)) == geo.ENotFound {
			return nil, geo.Errorf(geo.ENotFound, "no country %d", id)
		}
		return nil, fmt.Errorf("postgis: country: %w", translate(err))
	}
	page, err := s.CountryFeatures(ctx, v, geo.ActivityFilter{Countries: []string{code}}, geo.Page{Limit: 1})
	return collectionItem(page, err, "country", id)
}

// bboxCondition is "col intersects the box" for one or, across the
// antimeridian, two envelopes.
func bboxCondition(q *query, col string, b geo.BBox) string {
	cond := "("
	for i, bd := range b.Bounds() {
		if i > 0 {
			cond += " OR "
		}
		cond += fmt.Sprintf("ST_Intersects(%s, ST_MakeEnvelope(%s, %s, %s, %s, 4326))", col,
			q.arg(bd.Min[0]), q.arg(bd.Min[1]), q.arg(bd.Max[0]), q.arg(bd.Max[1]))
	}
	return cond + ")"
}
