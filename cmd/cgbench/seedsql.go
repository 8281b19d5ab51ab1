package main

// synthStatement is one step of the synthetic data load; ranged ones take
// the first and last synthetic number as $1 and $2.
type synthStatement struct {
	what   string
	sql    string
	ranged bool
}

// synthSQL adds the synthetic activities numbered $1..$2 (identifiers
// XB-BENCH-<n>). Each sits at a GeoNames place of 50,000 people or more,
// drawn with probability proportional to its population (so big-city boxes
// are dense), with one exact point a few km from the place's centre, a lead
// demo organisation (half also a partner), one or two themes, dates and a
// budget. setseed makes the draw repeatable.
var synthSQL = []synthStatement{
	{what: "seed", sql: `SELECT setseed(0.42)`},
	{what: "places", sql: `CREATE TEMP TABLE bench_places ON COMMIT DROP AS
SELECT p.geonameid, p.name, p.country_code, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat,
	(sum(p.population) OVER (ORDER BY p.geonameid))::float8 AS hi
FROM places p JOIN countries c ON c.iso_a2 = p.country_code
WHERE p.population >= 50000`},
	{what: "places index", sql: `CREATE INDEX ON bench_places (hi)`},
	{what: "places statistics", sql: `ANALYZE bench_places`},
	{what: "draw", ranged: true, sql: `CREATE TEMP TABLE bench_new ON COMMIT DROP AS
WITH picks AS MATERIALIZED (
	SELECT g AS n, random() * (SELECT max(hi) FROM bench_places) AS pick,
		random() AS r_title, random() AS r_desc, random() AS r_prog, random() AS r_status,
		random() AS r_start, random() AS r_len, random() AS r_budget, random() AS r_cur,
		random() AS r_lon, random() AS r_lat, random() AS r_lead, random() AS r_partner,
		random() AS r_theme, random() AS r_theme2
	FROM generate_series($1::int, $2::int) g
)
SELECT x.*, pl.geonameid, pl.name, pl.country_code, pl.lon, pl.lat
FROM picks x
CROSS JOIN LATERAL (SELECT * FROM bench_places b WHERE b.hi >= x.pick ORDER BY b.hi LIMIT 1) pl`},
	{what: "activities", sql: `INSERT INTO activities (iati_identifier, title, description, programme_id, status,
	start_date, end_date, budget, currency, visibility)
SELECT 'XB-BENCH-' || b.n,
	(ARRAY['Informal settlement upgrading', 'Flood resilience plan', 'Water and sanitation', 'Housing finance',
		'Youth jobs programme', 'Community flood mapping', 'Street addressing', 'Municipal revenue reform'])
		[1 + floor(b.r_title * 8)::int] || ' in ' || b.name || ' (' || b.n || ')',
	(ARRAY['Synthetic benchmark activity: community-led mapping and upgrading of informal settlements with the city.',
		'Synthetic benchmark activity: technical assistance to the municipality on revenue, planning and services.',
		'Synthetic benchmark activity: climate adaptation investments prepared with residents and local government.',
		'Synthetic benchmark activity: data collection, monitoring and peer learning between member cities.'])
		[1 + floor(b.r_desc * 4)::int],
	CASE WHEN b.r_prog < 0.8 THEN pr.ids[1 + floor(b.r_prog / 0.8 * cardinality(pr.ids))::int] END,
	(ARRAY['implementation', 'implementation', 'pipeline', 'finalisation', 'closed'])[1 + floor(b.r_status * 5)::int],
	date '2015-01-01' + floor(b.r_start * 3650)::int,
	date '2015-01-01' + floor(b.r_start * 3650)::int + 365 + floor(b.r_len * 1460)::int,
	round((10000 + b.r_budget * b.r_budget * 5000000)::numeric, 2),
	(ARRAY['USD', 'USD', 'USD', 'EUR', 'GBP', 'INR', 'BRL', 'KES'])[1 + floor(b.r_cur * 8)::int],
	'public'
FROM bench_new b CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM programmes) pr
ORDER BY b.n`},
	{what: "ids", sql: `CREATE TEMP TABLE bench_ids ON COMMIT DROP AS
SELECT a.id, b.*,
	(SELECT array_agg(id ORDER BY id) FROM organisations) AS orgs,
	(SELECT array_agg(code ORDER BY code) FROM themes) AS themes
FROM bench_new b JOIN activities a ON a.iati_identifier = 'XB-BENCH-' || b.n`},
	{what: "locations", sql: `INSERT INTO activity_locations (activity_id, kind, precision, name, country_code, place_id, geom)
SELECT id, 'point', 'exact', name, country_code, geonameid,
	ST_SetSRID(ST_MakePoint(
		greatest(-180, least(180, lon + (r_lon - 0.5) * 0.06 / greatest(cos(radians(lat)), 0.2))),
		greatest(-90, least(90, lat + (r_lat - 0.5) * 0.06))), 4326)
FROM bench_ids ORDER BY id`},
	{what: "lead organisations", sql: `INSERT INTO activity_organisations (activity_id, organisation_id, role)
SELECT id, orgs[1 + floor(r_lead * cardinality(orgs))::int], 'lead' FROM bench_ids`},
	{what: "partner organisations", sql: `INSERT INTO activity_organisations (activity_id, organisation_id, role)
SELECT id, orgs[1 + (floor(r_lead * cardinality(orgs))::int + 1 + floor(r_partner * 2 * (cardinality(orgs) - 1))::int)
	% cardinality(orgs)], 'partner'
FROM bench_ids WHERE r_partner < 0.5`},
	{what: "themes", sql: `INSERT INTO activity_themes (activity_id, theme_code)
SELECT id, themes[1 + floor(r_theme * cardinality(themes))::int] FROM bench_ids`},
	{what: "second themes", sql: `INSERT INTO activity_themes (activity_id, theme_code)
SELECT id, themes[1 + (floor(r_theme * cardinality(themes))::int + 1 + floor(r_theme2 * 2 * (cardinality(themes) - 1))::int)
	% cardinality(themes)]
FROM bench_ids WHERE r_theme2 < 0.5`},
}
