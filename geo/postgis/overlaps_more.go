package postgis

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/commonground/commonground/geo"
)

// overlapMatrixSQL aggregates overlapPairsSQL's scored pairs (score at
// least %[1]s) per unordered pair of leads.
const overlapMatrixSQL = `, p2 AS (
	SELECT least(lead_a, lead_b) AS o1, greatest(lead_a, lead_b) AS o2, themes, score FROM scored WHERE score >= %[1]s
), cell AS (
	SELECT o1, o2, count(*) AS n, max(score) AS best FROM p2 GROUP BY o1, o2
), th AS (
	SELECT o1, o2, t, count(*) AS k FROM p2 CROSS JOIN LATERAL unnest(themes) t GROUP BY o1, o2, t
)
SELECT c.o1, c.o2, c.n, c.best, array_agg(th.t ORDER BY th.k DESC, th.t), array_agg(th.k ORDER BY th.k DESC, th.t)
FROM cell c JOIN th USING (o1, o2)
GROUP BY c.o1, c.o2, c.n, c.best
ORDER BY c.n DESC, c.o1, c.o2`

// OverlapMatrix counts the overlaps oq selects for v per pair of lead
// organisations (oq's page is ignored).
func (s *Store) OverlapMatrix(ctx context.Context, v geo.Viewer, oq geo.OverlapQuery) (geo.OverlapMatrix, error) {
	out := geo.OverlapMatrix{Organisations: []geo.MatrixOrganisation{}, Cells: []geo.MatrixCell{}}
	if err := oq.Validate(); err != nil {
		return out, err
	}
	var ids []int64
	seen := map[int64]bool{}
	addCell := func(c geo.MatrixCell) {
		out.Cells = append(out.Cells, c)
		out.Overlaps += c.Overlaps
		for _, id := range []int64{c.A, c.B} {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	if !s.overlapIdx.sqlOnly() {
		idx, err := s.currentOverlapIndex(ctx)
		if err != nil {
			return out, err
		}
		if !idx.serves(v, oq) || oq.MinScore != 0 {
			if idx, _, err = s.overlapPass(ctx, v, oq, passOpts{day: asOfDay(oq), minScore: oq.MinScore}); err != nil {
				return out, fmt.Errorf("postgis: overlap matrix: %w", translate(err))
			}
		}
		for _, c := range idx.matrixCells() {
			addCell(c)
		}
		return s.matrixOrganisations(ctx, out, ids)
	}
	var q query
	pairs, err := overlapPairs(&q, v, oq)
	if err != nil {
		return out, err
	}
	err = s.queryNoJIT(ctx, pairs+fmt.Sprintf(overlapMatrixSQL, q.arg(oq.MinScore)+"::float8"), q.args, func(rows pgx.Rows) error {
		var c geo.MatrixCell
		var codes []string
		var counts []int64
		if err := rows.Scan(&c.A, &c.B, &c.Overlaps, &c.BestScore, &codes, &counts); err != nil {
			return err
		}
		for i := range codes {
			c.Themes = append(c.Themes, geo.ThemeCount{Code: codes[i], Count: counts[i]})
		}
		addCell(c)
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("postgis: overlap matrix: %w", translate(err))
	}
	return s.matrixOrganisations(ctx, out, ids)
}

// matrixOrganisations adds the organisations of the matrix's cells.
func (s *Store) matrixOrganisations(ctx context.Context, out geo.OverlapMatrix, ids []int64) (geo.OverlapMatrix, error) {
	if len(ids) == 0 {
		return out, nil
	}
	orgs, err := s.pool.Query(ctx, `SELECT id, name, constituency FROM organisations WHERE id = ANY($1) ORDER BY name, id`, ids)
	if err != nil {
		return out, fmt.Errorf("postgis: overlap matrix: %w", translate(err))
	}
	defer orgs.Close()
	for orgs.Next() {
		var o geo.MatrixOrganisation
		var cons string
		if err := orgs.Scan(&o.ID, &o.Name, &cons); err != nil {
			return out, fmt.Errorf("postgis: overlap matrix: %w", translate(err))
		}
		o.Constituency = geo.Constituency(cons)
		out.Organisations = append(out.Organisations, o)
	}
	return out, orgs.Err()
}

// hotspotPlacedSQL is the CTEs m (the activities the query selects, %[1]s,
// with their lead) and pt: each located activity at its GeoNames place or the
// nearest place of 15,000 people or more within 25 km (a KNN scan of the
// places' GiST index), once per theme. The hotspot pass reads pt
// (hotspotRowsSQL) and the reference statement builds on it (hotspotsSQL),
// so the two place activities by one rule.
const hotspotPlacedSQL = `m AS MATERIALIZED (
	SELECT a.id, a.period, lo.organisation_id AS lead
	FROM activities a JOIN activity_organisations lo ON lo.activity_id = a.id AND lo.role = 'lead'
	WHERE %[1]s
), pt AS (
	SELECT DISTINCT coalesce(l.place_id, near.geonameid) AS place_id, m.id, m.lead, m.period, t.theme_code
	FROM m JOIN activity_locations l ON l.activity_id = m.id AND l.kind <> 'country'
	LEFT JOIN LATERAL (
		SELECT x.geonameid FROM (
			SELECT p.geonameid, p.geom FROM places p WHERE l.place_id IS NULL AND p.population >= 15000
			ORDER BY p.geom <-> l.point LIMIT 1) x
		WHERE ST_DWithin(x.geom::geography, l.point::geography, 25000, false)) near ON true
	JOIN activity_themes t ON t.activity_id = m.id
	WHERE coalesce(l.place_id, near.geonameid) IS NOT NULL
)`

// hotspotsSQL finds, per place and theme, the first day on which the most
// distinct leads have an activity there on the theme (pt of
// hotspotPlacedSQL), and keeps those with at least %[2]s.
const hotspotsSQL = `WITH ` + hotspotPlacedSQL + `, starts AS (
	SELECT DISTINCT place_id, theme_code, coalesce(lower(period), '1950-01-01'::date) AS d FROM pt
), conc AS (
	SELECT s.place_id, s.theme_code, s.d, count(DISTINCT p.lead) AS members
	FROM starts s JOIN pt p ON p.place_id = s.place_id AND p.theme_code = s.theme_code AND p.period @> s.d
	GROUP BY s.place_id, s.theme_code, s.d
	HAVING count(DISTINCT p.lead) >= %[2]s
), best AS (
	SELECT DISTINCT ON (place_id, theme_code) * FROM conc ORDER BY place_id, theme_code, members DESC, d
), page AS (
	SELECT *, count(*) OVER () AS matched FROM best ORDER BY members DESC, place_id, theme_code LIMIT %[3]s OFFSET %[4]s
)
SELECT b.place_id, pl.name, pl.country_code, ST_X(pl.geom), ST_Y(pl.geom), b.theme_code, th.name,
	nullif(b.d, '1950-01-01'::date), b.matched, acts.ids, acts.titles, acts.leads, mem.ids, mem.names, mem.cons
FROM page b JOIN places pl ON pl.geonameid = b.place_id JOIN themes th ON th.code = b.theme_code
CROSS JOIN LATERAL (
	SELECT array_agg(p.id ORDER BY p.id) AS ids, array_agg(a.title ORDER BY p.id) AS titles, array_agg(p.lead ORDER BY p.id) AS leads
	FROM (SELECT DISTINCT id, lead FROM pt WHERE place_id = b.place_id AND theme_code = b.theme_code AND period @> b.d) p
	JOIN activities a ON a.id = p.id) acts
CROSS JOIN LATERAL (
	SELECT array_agg(o.id ORDER BY o.name, o.id) AS ids, array_agg(o.name ORDER BY o.name, o.id) AS names,
		array_agg(o.constituency ORDER BY o.name, o.id) AS cons
	FROM organisations o WHERE o.id = ANY(acts.leads)) mem
ORDER BY b.members DESC, b.place_id, b.theme_code`

// Hotspots returns one page of the places where hq's minimum of members
// or more work on one theme at the same time, most members first. It runs
// hotspotsPass; hotspotsSQL, the same as one SQL statement, is the
// reference the pass is tested against.
func (s *Store) Hotspots(ctx context.Context, v geo.Viewer, hq geo.HotspotQuery) (geo.HotspotPage, error) {
	out := geo.HotspotPage{Hotspots: []geo.Hotspot{}}
	if err := hq.Validate(); err != nil {
		return out, err
	}
	if !s.overlapIdx.sqlOnly() {
		return s.hotspotsPass(ctx, v, hq)
	}
	var q query
	if err := q.activities(v, hq.Filter); err != nil {
		return out, err
	}
	q.takingPart(hq.IncludeCompleted)
	limit := pageLimit(hq.Page)
	sql := fmt.Sprintf(hotspotsSQL, q.sql(), q.arg(hq.Members()), q.arg(limit), q.arg(hq.Page.Offset))
	err := s.queryNoJIT(ctx, sql, q.args, func(rows pgx.Rows) error {
		var h geo.Hotspot
		var x, y float64
		var d *time.Time
		var ids, leads, memIDs []int64
		var titles, names, cons []string
		if err := rows.Scan(&h.PlaceID, &h.Place, &h.CountryCode, &x, &y, &h.Theme, &h.ThemeName, &d, &out.NumberMatched,
			&ids, &titles, &leads, &memIDs, &names, &cons); err != nil {
			return err
		}
		h.Point, h.Day = orb.Point{x, y}, day(d)
		for i := range ids {
			h.Activities = append(h.Activities, geo.HotspotActivity{ID: ids[i], Title: titles[i], OrganisationID: leads[i]})
		}
		for i := range memIDs {
			h.Members = append(h.Members, geo.MatrixOrganisation{ID: memIDs[i], Name: names[i], Constituency: geo.Constituency(cons[i])})
		}
		out.Hotspots = append(out.Hotspots, h)
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("postgis: hotspots: %w", translate(err))
	}
	if len(out.Hotspots) == 0 && hq.Page.Offset > 0 {
		first := hq
		first.Page.Offset, first.Page.Limit = 0, 1
		p, err := s.Hotspots(ctx, v, first)
		out.NumberMatched = p.NumberMatched
		return out, err
	}
	return out, nil
}
