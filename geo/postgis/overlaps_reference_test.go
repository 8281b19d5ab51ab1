package postgis

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/commonground/commonground/geo"
)

// This file holds the overlap rule of geo/overlap.go and the hotspots
// written as SQL statements: the reference the Go pass of geo/overlaps,
// which answers the requests, is tested against (TestOverlapPassMatchesSQL,
// TestOverlapIndexMatchesSQL, TestHotspotPassMatchesSQL). They answer as
// Overlaps, OverlapMatrix and Hotspots do, and are exported to the tests
// with OverlapSQL (export_test.go).

// overlapPairsSQL is the overlap rule of geo/overlap.go as one SQL
// statement. As a self-join it costs a join step per
// candidate pair, and candidates grow with the square of a city's
// activities: over 60 s for the unfiltered list at 100k activities.
// The parts:
//
//	m     the activities taking part (visible, filtered, status) and leads;
//	      for one activity's overlaps, it whatever the filter
//	loc   their locations
//	cand  candidate location pairs per tier, already of different leads
//	best  one row per activity pair: strongest tier, shortest distance
//	pairs shared themes and overlapping periods
//	scored the score; the page is cut from it
const overlapPairsSQL = `WITH m AS MATERIALIZED (
	SELECT a.id, a.status, a.period, lo.organisation_id AS lead
	FROM activities a JOIN activity_organisations lo ON lo.activity_id = a.id AND lo.role = 'lead'
	WHERE %[1]s
), loc AS MATERIALIZED (
	SELECT l.id, l.activity_id, l.kind = 'country' AS wide, l.point, l.place_id, l.country_code, m.lead
	FROM activity_locations l JOIN m ON m.id = l.activity_id
), cand AS (
	%[2]s
), best AS (
	SELECT DISTINCT ON (a, b) * FROM cand ORDER BY a, b, tier, dist
), pairs AS (
	SELECT best.*, ma.lead AS lead_a, mb.lead AS lead_b, ma.period AS pa, mb.period AS pb, ma.period * mb.period AS ov,
		ma.status = 'implementation' AND mb.status = 'implementation'
			AND ma.period @> %[5]s::date AND mb.period @> %[5]s::date AS active,
		sh.themes, sh.n AS shared,
		(SELECT count(*) FROM activity_themes WHERE activity_id = best.a) AS na,
		(SELECT count(*) FROM activity_themes WHERE activity_id = best.b) AS nb
	FROM best JOIN m ma ON ma.id = best.a JOIN m mb ON mb.id = best.b
	CROSS JOIN LATERAL (
		SELECT array_agg(ta.theme_code ORDER BY ta.theme_code) AS themes, count(*) AS n
		FROM activity_themes ta JOIN activity_themes tb ON tb.activity_id = best.b AND tb.theme_code = ta.theme_code
		WHERE ta.activity_id = best.a) sh
	WHERE ma.period && mb.period AND sh.n > 0 AND %[3]s
), scored AS (
	SELECT *, round((
		45 * CASE tier WHEN 1 THEN greatest(CASE WHEN same_place THEN 0.75 ELSE 0 END, 1 - 0.5 * (least(dist, %[4]s) / %[4]s) ^ 2)
			WHEN 2 THEN 0.35 ELSE 0.2 END
		+ 25 * shared::float8 / greatest(na, nb, 2)
		+ 20 * (coalesce(upper(ov), '2101-01-01') - coalesce(lower(ov), '1950-01-01'))::float8
			/ greatest(1, least(coalesce(upper(pa), '2101-01-01') - coalesce(lower(pa), '1950-01-01'),
				coalesce(upper(pb), '2101-01-01') - coalesce(lower(pb), '1950-01-01')))
		+ CASE WHEN active THEN 10 ELSE 0 END)::numeric, 1)::float8 AS score
	FROM pairs
)`

// overlapPageSQL cuts a page from overlapPairsSQL's scored pairs (score at
// least %[1]s, limit %[2]s, offset %[3]s); overlapDescribeSQL follows.
const overlapPageSQL = `, page AS (
	SELECT *, count(*) OVER () AS matched FROM scored WHERE score >= %[1]s
	ORDER BY score DESC, a, b LIMIT %[2]s OFFSET %[3]s
)
` + overlapDescribeSQL

// The candidate pairs of each tier, as (a, b) with a < b and the location
// of each (la of a, lb of b). Every branch starts from loc and reaches the
// other location through an index.
const (
	nearByDistanceSQL = `SELECT la.activity_id AS a, lb.activity_id AS b, 1 AS tier,
		ST_Distance(la.point::geography, lb.point::geography, false) AS dist,
		coalesce(la.place_id = lb.place_id, false) AS same_place, la.id AS la, lb.id AS lb
	FROM loc la JOIN activity_locations lb ON ST_DWithin(lb.point::geography, la.point::geography, %[1]s, false)
		AND lb.activity_id > la.activity_id AND lb.kind <> 'country'
	JOIN m mb ON mb.id = lb.activity_id AND mb.lead <> la.lead
	WHERE NOT la.wide`
	nearByPlaceSQL = `SELECT la.activity_id, lb.activity_id, 1,
		ST_Distance(la.point::geography, lb.point::geography, false), true, la.id, lb.id
	FROM loc la JOIN activity_locations lb ON lb.place_id = la.place_id
		AND lb.activity_id > la.activity_id AND lb.kind <> 'country'
	JOIN m mb ON mb.id = lb.activity_id AND mb.lead <> la.lead
	WHERE NOT la.wide AND la.place_id IS NOT NULL`
	inCountrySQL = `SELECT least(la.activity_id, lb.activity_id), greatest(la.activity_id, lb.activity_id), 2,
		0::float8, false,
		CASE WHEN la.activity_id < lb.activity_id THEN la.id ELSE lb.id END,
		CASE WHEN la.activity_id < lb.activity_id THEN lb.id ELSE la.id END
	FROM loc la JOIN activity_locations lb ON lb.country_code = la.country_code
		AND lb.activity_id <> la.activity_id AND lb.kind = 'country'
	JOIN m mb ON mb.id = lb.activity_id AND mb.lead <> la.lead
	WHERE NOT la.wide`
	sameCountrySQL = `SELECT la.activity_id, lb.activity_id, 3, 0::float8, false, la.id, lb.id
	FROM loc la JOIN activity_locations lb ON lb.country_code = la.country_code
		AND lb.activity_id > la.activity_id AND lb.kind = 'country'
	JOIN m mb ON mb.id = lb.activity_id AND mb.lead <> la.lead
	WHERE la.wide`
)

// overlapPairs returns overlapPairsSQL for oq and v (the CTE chain ending
// in scored) with its arguments collected in q.
func overlapPairs(q *query, v geo.Viewer, oq geo.OverlapQuery) (string, error) {
	if err := oq.Validate(); err != nil {
		return "", err
	}
	if oq.Activity != 0 {
		if err := q.anchored(v, oq.Filter, oq.Activity); err != nil {
			return "", err
		}
	} else if err := q.activities(v, oq.Filter); err != nil {
		return "", err
	}
	q.takingPart(oq.IncludeCompleted)
	metres := q.arg(oq.Distance()*1000) + "::float8"
	branches := []string{fmt.Sprintf(nearByDistanceSQL, metres), nearByPlaceSQL}
	if oq.Tier() >= geo.TierInCountry {
		branches = append(branches, inCountrySQL)
	}
	if oq.Tier() >= geo.TierSameCountry {
		branches = append(branches, sameCountrySQL)
	}
	sides := "true"
	if oq.Organisation != 0 {
		o := q.arg(oq.Organisation)
		sides = "(ma.lead = " + o + " OR mb.lead = " + o + ")"
	}
	if oq.Activity != 0 {
		a := q.arg(oq.Activity)
		sides += " AND (best.a = " + a + " OR best.b = " + a + ")"
	}
	asOf := oq.AsOf
	if asOf.IsZero() {
		asOf = time.Now()
	}
	return fmt.Sprintf(overlapPairsSQL, q.sql(), strings.Join(branches, "\n\tUNION ALL\n\t"), sides, metres,
		q.arg(asOf.Format("2006-01-02"))), nil
}

// anchored is query.activities, except that the activity anchor (the one
// whose overlaps are asked for) need only be visible: f selects the others.
func (q *query) anchored(v geo.Viewer, f geo.ActivityFilter, anchor int64) error {
	q.visible(v)
	sub := query{args: q.args}
	if err := sub.filtered(f); err != nil {
		return err
	}
	q.args = sub.args
	if len(sub.where) > 0 {
		q.and(`(a.id = ` + q.arg(anchor) + ` OR (` + sub.sql() + `))`)
	}
	return nil
}

// ReferenceOverlaps answers as Overlaps does, with overlapPairsSQL.
func (s *Store) ReferenceOverlaps(ctx context.Context, v geo.Viewer, oq geo.OverlapQuery) (geo.OverlapPage, error) {
	out := geo.OverlapPage{Overlaps: []geo.Overlap{}}
	var q query
	pairs, err := overlapPairs(&q, v, oq)
	if err != nil {
		return out, err
	}
	limit := pageLimit(oq.Page)
	sql := pairs + fmt.Sprintf(overlapPageSQL, q.arg(oq.MinScore)+"::float8", q.arg(limit), q.arg(oq.Page.Offset))
	err = s.eachRow(ctx, nil, sql, q.args, func(rows pgx.Rows) error { return scanOverlap(rows, &out) })
	if err != nil {
		return out, fmt.Errorf("postgis: overlaps: %w", translate(err))
	}
	if len(out.Overlaps) == 0 && oq.Page.Offset > 0 {
		// Past the end: count apart.
		first := oq
		first.Page.Offset, first.Page.Limit = 0, 1
		p, err := s.ReferenceOverlaps(ctx, v, first)
		out.NumberMatched = p.NumberMatched
		return out, err
	}
	return out, nil
}

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

// ReferenceOverlapMatrix answers as OverlapMatrix does, with
// overlapMatrixSQL.
func (s *Store) ReferenceOverlapMatrix(ctx context.Context, v geo.Viewer, oq geo.OverlapQuery) (geo.OverlapMatrix, error) {
	out := geo.OverlapMatrix{Organisations: []geo.MatrixOrganisation{}, Cells: []geo.MatrixCell{}}
	if err := oq.Validate(); err != nil {
		return out, err
	}
	var q query
	pairs, err := overlapPairs(&q, v, oq)
	if err != nil {
		return out, err
	}
	var cells []geo.MatrixCell
	err = s.eachRow(ctx, nil, pairs+fmt.Sprintf(overlapMatrixSQL, q.arg(oq.MinScore)+"::float8"), q.args, func(rows pgx.Rows) error {
		var c geo.MatrixCell
		var codes []string
		var counts []int64
		if err := rows.Scan(&c.A, &c.B, &c.Overlaps, &c.BestScore, &codes, &counts); err != nil {
			return err
		}
		for i := range codes {
			c.Themes = append(c.Themes, geo.ThemeCount{Code: codes[i], Count: counts[i]})
		}
		cells = append(cells, c)
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("postgis: overlap matrix: %w", translate(err))
	}
	return s.matrixOf(ctx, cells)
}

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

// ReferenceHotspots answers as Hotspots does, with hotspotsSQL.
func (s *Store) ReferenceHotspots(ctx context.Context, v geo.Viewer, hq geo.HotspotQuery) (geo.HotspotPage, error) {
	out := geo.HotspotPage{Hotspots: []geo.Hotspot{}}
	if err := hq.Validate(); err != nil {
		return out, err
	}
	var q query
	if err := q.activities(v, hq.Filter); err != nil {
		return out, err
	}
	q.takingPart(hq.IncludeCompleted)
	limit := pageLimit(hq.Page)
	sql := fmt.Sprintf(hotspotsSQL, q.sql(), q.arg(hq.Members()), q.arg(limit), q.arg(hq.Page.Offset))
	err := s.eachRow(ctx, nil, sql, q.args, func(rows pgx.Rows) error {
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
		p, err := s.ReferenceHotspots(ctx, v, first)
		out.NumberMatched = p.NumberMatched
		return out, err
	}
	return out, nil
}
