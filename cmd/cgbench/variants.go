package main

import (
	"fmt"
	"strings"
)

// sqlVariants are candidate changes to the server's SQL, each measured like
// B1 (same requests, concurrency and envelope) to show what it would gain;
// `cgbench check` verifies they return the same features as B1. what says
// what differs from B1.
var sqlVariants = []sqlPath{
	{name: "V1 no count", what: "B1 without the count(*) query: the most a numberMatched cache (keyed by data_version and filter) could gain",
		feature: serverFeature, joins: serverJoins},
	{name: "V2 serial", count: true, serial: true, what: "B1 on connections with max_parallel_workers_per_gather = 0",
		feature: serverFeature, joins: serverJoins},
	{name: "V3 bbox count", count: true, countSQL: arrayCount, what: "B1 with the bbox count written " +
		"`a.id = ANY (ARRAY(SELECT l.activity_id ... WHERE l.point && box))` instead of EXISTS (plain pages: as B1)",
		feature: serverFeature, joins: serverJoins},
	{name: "V4 json text", count: true, feature: textFeature, joins: textJoins, what: "B1 with the same LATERAL joins but " +
		"the properties built by row_to_json (json) instead of jsonb_build_object, and the Feature by text concatenation " +
		"instead of json_build_object(...)::text"},
	{name: "V5 = V2+V3+V4", count: true, serial: true, countSQL: arrayCount, feature: textFeature, joins: textJoins,
		what: "the three changes together"},
	{name: "V6 set-based", count: true, page: setBasedPage, what: "V4 with the page's locations, organisations and themes " +
		"aggregated once per table (CTEs grouped by activity over the page) instead of per-row LATERAL subqueries"},
}

// textFeature assembles the Feature as text; its properties are the row
// textJoins' props lateral selects, as json.
const textFeature = `'{"type":"Feature","id":' || a.id || ',"geometry":' || coalesce(ST_AsGeoJSON(loc.points, 6), 'null') ||
	',"properties":' || CASE WHEN %[1]s::text[] IS NULL THEN row_to_json(props)::text
		ELSE (SELECT coalesce(json_object_agg(k, v), '{}')::text FROM json_each(row_to_json(props)) e(k, v)
			WHERE k = ANY(%[1]s::text[])) END || '}'`

// textProps is the properties row of textFeature, over a, p, loc, org, th.
const textProps = `
CROSS JOIN LATERAL (SELECT a.iati_identifier, a.title, a.description, a.status, a.start_date, a.end_date,
	a.budget, a.currency, a.visibility, a.programme_id, p.name AS programme_name, p.type AS programme_type,
	org.lead_id AS lead_organisation_id, org.lead_name AS lead_organisation,
	org.lead_constituency, coalesce(org.list, '[]') AS organisations,
	coalesce(th.list, '{}') AS themes, coalesce(loc.countries, '{}') AS countries, loc.best AS precision,
	coalesce(loc.n, 0) AS location_count, coalesce(loc.list, '[]') AS locations,
	a.demo, a.updated_at) props`

// textJoins is serverJoins with the jsonb properties lateral replaced by
// textProps.
var textJoins = serverJoins[:strings.Index(serverJoins, "CROSS JOIN LATERAL (SELECT jsonb_build_object(")] + textProps[1:]

// arrayCount counts a bbox request by collecting the matching activity ids
// through the point index first, so the planner looks them up by primary
// key rather than scanning every activity for a hash semi-join.
func arrayCount(r request) (string, []any) {
	where, args := r.where()
	if r.bbox == nil {
		return `SELECT count(*) FROM activities a WHERE ` + where, args
	}
	return `SELECT count(*) FROM activities a WHERE a.visibility = 'public'
	AND a.id = ANY (ARRAY(SELECT l.activity_id FROM activity_locations l WHERE l.point && ST_MakeEnvelope($1, $2, $3, $4, 4326)))`, args
}

// setBasedPage is the server's page query with the per-row LATERAL
// aggregates replaced by one GROUP BY per child table over the page, and
// the Feature assembled as V4 does.
func setBasedPage(where, props, limit, offset string) string {
	return `WITH page AS (SELECT a.id FROM activities a WHERE ` + where + ` ORDER BY a.id LIMIT ` + limit + ` OFFSET ` + offset + `),
loc AS (
	SELECT l.activity_id, ST_Collect(l.point ORDER BY l.id) AS points, count(*) AS n,
		json_agg(json_build_object('kind', l.kind, 'precision', l.precision, 'name', l.name,
			'country_code', l.country_code, 'place_id', l.place_id) ORDER BY l.id) AS list,
		array_agg(DISTINCT l.country_code::text) FILTER (WHERE l.country_code IS NOT NULL) AS countries,
		(array_agg(l.precision ORDER BY array_position(
			ARRAY['exact', 'approximate', 'city', 'admin_area', 'country'], l.precision)))[1] AS best
	FROM page JOIN activity_locations l ON l.activity_id = page.id GROUP BY l.activity_id
),
org AS (
	SELECT ao.activity_id, json_agg(json_build_object('id', o.id, 'slug', o.slug, 'name', o.name, 'role', ao.role,
			'constituency', o.constituency) ORDER BY ao.role = 'lead' DESC, o.name) AS list,
		min(o.id) FILTER (WHERE ao.role = 'lead') AS lead_id,
		min(o.name) FILTER (WHERE ao.role = 'lead') AS lead_name,
		min(o.constituency) FILTER (WHERE ao.role = 'lead') AS lead_constituency
	FROM page JOIN activity_organisations ao ON ao.activity_id = page.id JOIN organisations o ON o.id = ao.organisation_id
	GROUP BY ao.activity_id
),
th AS (
	SELECT t.activity_id, array_agg(t.theme_code ORDER BY t.theme_code) AS list
	FROM page JOIN activity_themes t ON t.activity_id = page.id GROUP BY t.activity_id
)
SELECT ` + fmt.Sprintf(textFeature, props) + `
FROM page JOIN activities a USING (id)
LEFT JOIN programmes p ON p.id = a.programme_id
LEFT JOIN loc ON loc.activity_id = a.id
LEFT JOIN org ON org.activity_id = a.id
LEFT JOIN th ON th.activity_id = a.id` + textProps + `
ORDER BY a.id`
}
