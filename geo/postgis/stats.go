package postgis

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/commonground/commonground/geo"
)

// groupSQL gives, per dimension, the joins from matching activities (a) to
// the group key and its label.
var groupSQL = map[geo.GroupBy]struct{ joins, key, label string }{
	geo.ByNone: {"", "''", "'all'"},
	geo.ByCountry: {`JOIN activity_locations l ON l.activity_id = a.id JOIN countries c ON c.iso_a2 = l.country_code`,
		"c.iso_a2::text", "c.name"},
	geo.ByRegion: {`JOIN activity_locations l ON l.activity_id = a.id JOIN countries c ON c.iso_a2 = l.country_code
		JOIN regions r ON r.code = c.region_code`, "r.code::text", "r.name"},
	geo.ByTheme: {`JOIN activity_themes t ON t.activity_id = a.id JOIN themes th ON th.code = t.theme_code`,
		"th.code", "th.name"},
	geo.ByOrganisation: {`JOIN activity_organisations ao ON ao.activity_id = a.id JOIN organisations o ON o.id = ao.organisation_id`,
		"o.id::text", "o.name"},
	geo.ByConstituency: {`JOIN activity_organisations ao ON ao.activity_id = a.id JOIN organisations o ON o.id = ao.organisation_id
		JOIN constituencies cs ON cs.code = o.constituency`, "cs.code", "cs.name"},
	geo.ByProgrammeType: {`JOIN programmes p ON p.id = a.programme_id JOIN programme_types pt ON pt.code = p.type`,
		"pt.code", "pt.name"},
	geo.ByStatus:    {"", "a.status", "initcap(a.status)"},
	geo.ByStartYear: {"", "extract(year FROM a.start_date)::int::text", "extract(year FROM a.start_date)::int::text"},
}

const statsSQL = `WITH m AS (%s),
g AS (SELECT DISTINCT %s AS key, %s AS label, a.id FROM m JOIN activities a ON a.id = m.id %s),
c AS (SELECT g.key, min(g.label) AS label, count(DISTINCT g.id) AS n, count(DISTINCT ao.organisation_id) AS o
	FROM g LEFT JOIN activity_organisations ao ON ao.activity_id = g.id GROUP BY g.key),
s AS (SELECT g.key, a.currency::text AS currency, sum(a.budget) AS amount
	FROM g JOIN activities a ON a.id = g.id WHERE a.budget IS NOT NULL GROUP BY g.key, a.currency),
b AS (SELECT key, json_agg(json_build_object('currency', currency, 'amount', amount) ORDER BY amount DESC) AS budgets
	FROM s GROUP BY key)
SELECT coalesce(c.key, ''), coalesce(c.label, ''), c.n, c.o, coalesce(b.budgets, '[]')
FROM c LEFT JOIN b ON b.key IS NOT DISTINCT FROM c.key
ORDER BY c.n DESC, c.key`

// Stats counts the activities f selects for v, their distinct organisations
// and budget totals per currency (never converted), in all and per group.
func (s *Store) Stats(ctx context.Context, v geo.Viewer, f geo.ActivityFilter, by geo.GroupBy) (geo.Stats, error) {
	out := geo.Stats{GroupBy: by, Total: geo.StatsGroup{Key: "", Label: "all", Budgets: []geo.Amount{}}}
	total, err := s.statsGroups(ctx, v, f, geo.ByNone)
	if err != nil {
		return out, err
	}
	if len(total) == 1 {
		out.Total = total[0]
	}
	if by == geo.ByNone {
		return out, nil
	}
	out.Groups, err = s.statsGroups(ctx, v, f, by)
	return out, err
}

func (s *Store) statsGroups(ctx context.Context, v geo.Viewer, f geo.ActivityFilter, by geo.GroupBy) ([]geo.StatsGroup, error) {
	g, ok := groupSQL[by]
	if !ok {
		return nil, geo.Errorf(geo.EInvalid, "cannot group by %q", by)
	}
	var q query
	m, err := q.matching(v, f)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, fmt.Sprintf(statsSQL, m, g.key, g.label, g.joins), q.args...)
	if err != nil {
		return nil, fmt.Errorf("postgis: stats: %w", translate(err))
	}
	defer rows.Close()
	out := []geo.StatsGroup{}
	for rows.Next() {
		var sg geo.StatsGroup
		var budgets []byte
		if err := rows.Scan(&sg.Key, &sg.Label, &sg.Activities, &sg.Organisations, &budgets); err != nil {
			return nil, fmt.Errorf("postgis: stats: %w", translate(err))
		}
		if err := json.Unmarshal(budgets, &sg.Budgets); err != nil {
			return nil, fmt.Errorf("postgis: stats budgets: %w", err)
		}
		out = append(out, sg)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgis: stats: %w", translate(err))
	}
	return out, nil
}
