package postgis

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/commonground/commonground/geo"
)

// overlapPairsSQL is the overlap rule of geo/overlap.go as one SQL
// statement: the reference the Go pass of overlap_index.go, which answers
// the requests, is tested against (TestOverlapPassMatchesSQL,
// TestOverlapIndexMatchesSQL). As a self-join it costs a join step per
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

// overlapIndexPageSQL is a page of the overlap index's pairs, given as
// arrays, for overlapDescribeSQL.
const overlapIndexPageSQL = `WITH page AS (
	SELECT a, b, tier, dist, same_place, string_to_array(th, ',') AS themes, daterange(olo, ohi, '[)') AS ov,
		active, score, $11::bigint AS matched, la, lb
	FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::float8[], $5::bool[], $6::text[], $7::date[], $8::date[],
		$9::bool[], $10::float8[], $12::bigint[], $13::bigint[])
		AS x(a, b, tier, dist, same_place, th, olo, ohi, active, score, la, lb)
)
` + overlapDescribeSQL

// overlapDescribeSQL describes each pair of the CTE page: the activities,
// their leads and locations, the shared place and the theme names.
const overlapDescribeSQL = `SELECT p.a, p.b, p.tier, p.dist / 1000, p.same_place, p.themes,
	(SELECT array_agg(t.name ORDER BY t.code) FROM themes t WHERE t.code = ANY(p.themes)),
	lower(p.ov), upper(p.ov) - 1, p.active, p.score, p.matched,
	coalesce(CASE WHEN p.tier = 1 THEN coalesce(nullif(la.name, ''), pla.name) END, c.name, ''), coalesce(c.iso_a2, ''),
	aa.title, aa.status, aa.start_date, aa.end_date, oa.id, oa.name, oa.constituency,
	coalesce(nullif(la.name, ''), pla.name, ca.name, ''), ST_X(la.point), ST_Y(la.point), la.kind = 'country',
	ab.title, ab.status, ab.start_date, ab.end_date, ob.id, ob.name, ob.constituency,
	coalesce(nullif(lb.name, ''), plb.name, cb.name, ''), ST_X(lb.point), ST_Y(lb.point), lb.kind = 'country'
FROM page p
JOIN activities aa ON aa.id = p.a JOIN activities ab ON ab.id = p.b
JOIN activity_locations la ON la.id = p.la JOIN activity_locations lb ON lb.id = p.lb
JOIN activity_organisations ra ON ra.activity_id = p.a AND ra.role = 'lead' JOIN organisations oa ON oa.id = ra.organisation_id
JOIN activity_organisations rb ON rb.activity_id = p.b AND rb.role = 'lead' JOIN organisations ob ON ob.id = rb.organisation_id
LEFT JOIN places pla ON pla.geonameid = la.place_id LEFT JOIN places plb ON plb.geonameid = lb.place_id
LEFT JOIN countries ca ON ca.iso_a2 = la.country_code LEFT JOIN countries cb ON cb.iso_a2 = lb.country_code
LEFT JOIN countries c ON c.iso_a2 = coalesce(la.country_code, lb.country_code)
ORDER BY p.score DESC, p.a, p.b`

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

// Overlaps returns one page of the overlaps q selects for v, best first
// (then by the pair's ids), with how many there are. See geo/overlap.go
// for the rule and the score.
func (s *Store) Overlaps(ctx context.Context, v geo.Viewer, oq geo.OverlapQuery) (geo.OverlapPage, error) {
	out := geo.OverlapPage{Overlaps: []geo.Overlap{}}
	if err := oq.Validate(); err != nil {
		return out, err
	}
	if s.overlapIdx.sqlOnly() {
		return s.overlapsSQL(ctx, v, oq)
	}
	if p, ok, err := s.overlapsFromIndex(ctx, v, oq); ok || err != nil {
		return p, err
	}
	limit := pageLimit(oq.Page)
	idx, _, err := s.overlapPass(ctx, v, oq, passOpts{day: asOfDay(oq), keep: oq.Page.Offset + limit, minScore: oq.MinScore})
	if err != nil {
		return out, fmt.Errorf("postgis: overlaps: %w", translate(err))
	}
	page := idx.top[min(oq.Page.Offset, len(idx.top)):min(oq.Page.Offset+limit, len(idx.top))]
	return s.describeOverlaps(ctx, idx, page, idx.total)
}

// overlapsSQL answers with the SQL statement of the rule, the reference
// the Go pass (overlap_index.go) is tested against.
func (s *Store) overlapsSQL(ctx context.Context, v geo.Viewer, oq geo.OverlapQuery) (geo.OverlapPage, error) {
	out := geo.OverlapPage{Overlaps: []geo.Overlap{}}
	var q query
	pairs, err := overlapPairs(&q, v, oq)
	if err != nil {
		return out, err
	}
	limit := pageLimit(oq.Page)
	sql := pairs + fmt.Sprintf(overlapPageSQL, q.arg(oq.MinScore)+"::float8", q.arg(limit), q.arg(oq.Page.Offset))
	err = s.queryNoJIT(ctx, sql, q.args, func(rows pgx.Rows) error { return scanOverlap(rows, &out) })
	if err != nil {
		return out, fmt.Errorf("postgis: overlaps: %w", translate(err))
	}
	if len(out.Overlaps) == 0 && oq.Page.Offset > 0 {
		// Past the end: count apart.
		first := oq
		first.Page.Offset, first.Page.Limit = 0, 1
		p, err := s.overlapsSQL(ctx, v, first)
		out.NumberMatched = p.NumberMatched
		return out, err
	}
	return out, nil
}

// scanOverlap reads one row of overlapDescribeSQL into out.
func scanOverlap(rows pgx.Rows, out *geo.OverlapPage) error {
	var o geo.Overlap
	var tier int
	var from, to, aStart, aEnd, bStart, bEnd *time.Time
	var ax, ay, bx, by float64
	var aStatus, bStatus, aCons, bCons string
	if err := rows.Scan(&o.A.ID, &o.B.ID, &tier, &o.DistanceKm, &o.SamePlace, &o.Themes, &o.ThemeNames,
		&from, &to, &o.ActiveNow, &o.Score, &out.NumberMatched, &o.Place, &o.CountryCode,
		&o.A.Title, &aStatus, &aStart, &aEnd, &o.A.OrganisationID, &o.A.Organisation, &aCons,
		&o.A.Location, &ax, &ay, &o.A.CountryWide,
		&o.B.Title, &bStatus, &bStart, &bEnd, &o.B.OrganisationID, &o.B.Organisation, &bCons,
		&o.B.Location, &bx, &by, &o.B.CountryWide); err != nil {
		return err
	}
	o.Tier = geo.PlaceTier(tier)
	if o.Tier != geo.TierNear {
		o.DistanceKm = 0
	}
	o.From, o.To = day(from), day(to)
	o.A.Status, o.B.Status = geo.Status(aStatus), geo.Status(bStatus)
	o.A.Constituency, o.B.Constituency = geo.Constituency(aCons), geo.Constituency(bCons)
	o.A.Start, o.A.End, o.B.Start, o.B.End = day(aStart), day(aEnd), day(bStart), day(bEnd)
	o.A.Point, o.B.Point = orb.Point{ax, ay}, orb.Point{bx, by}
	out.Overlaps = append(out.Overlaps, o)
	return nil
}

// overlapsFromIndex answers from the overlap index when it serves the
// request and the page lies within the pairs it keeps.
func (s *Store) overlapsFromIndex(ctx context.Context, v geo.Viewer, oq geo.OverlapQuery) (geo.OverlapPage, bool, error) {
	out := geo.OverlapPage{Overlaps: []geo.Overlap{}}
	idx, err := s.currentOverlapIndex(ctx)
	if err != nil || !idx.serves(v, oq) {
		return out, false, err
	}
	limit := pageLimit(oq.Page)
	n := sort.Search(len(idx.top), func(i int) bool { return idx.top[i].score < oq.MinScore })
	matched := idx.matched(oq.MinScore)
	if oq.Page.Offset+limit > n && int64(n) != matched {
		return out, false, nil // beyond the kept pairs
	}
	page := idx.top[min(oq.Page.Offset, n):min(oq.Page.Offset+limit, n)]
	p, err := s.describeOverlaps(ctx, idx, page, matched)
	return p, err == nil, err
}

// describeOverlaps turns pairs of a pass into the page's overlaps.
func (s *Store) describeOverlaps(ctx context.Context, idx *overlapIndex, page []ovPair, matched int64) (geo.OverlapPage, error) {
	out := geo.OverlapPage{Overlaps: []geo.Overlap{}, NumberMatched: matched}
	if len(page) == 0 {
		return out, nil
	}
	var (
		as, bs, las, lbs []int64
		tiers            []int32
		dists, scores    []float64
		same, active     []bool
		themes           []string
		los, his         []*time.Time
	)
	for _, p := range page {
		var lo, hi *time.Time
		if p.lo >= 0 {
			t := dayTime(p.lo)
			lo = &t
		}
		if p.hi <= dayMax {
			t := dayTime(p.hi)
			hi = &t
		}
		as, bs, las, lbs = append(as, p.a), append(bs, p.b), append(las, p.la), append(lbs, p.lb)
		tiers, dists, scores = append(tiers, int32(p.tier)), append(dists, p.dist), append(scores, p.score)
		same, active = append(same, p.samePlace), append(active, p.active)
		themes = append(themes, strings.Join(idx.themeCodes(p.themes), ","))
		los, his = append(los, lo), append(his, hi)
	}
	args := []any{as, bs, tiers, dists, same, themes, los, his, active, scores, matched, las, lbs}
	err := s.queryNoJIT(ctx, overlapIndexPageSQL, args, func(rows pgx.Rows) error { return scanOverlap(rows, &out) })
	if err != nil {
		return out, fmt.Errorf("postgis: overlaps: %w", translate(err))
	}
	return out, nil
}

// queryNoJIT runs a read-only query with PostgreSQL's JIT off, calling
// each per row. The overlap queries' cost estimates are far above the JIT
// thresholds (the geography self-join is estimated pessimistically), and
// compiling them took 1.8 s of a 2.0 s query on 11,486 activities, so they
// run without JIT whatever the server's setting.
func (s *Store) queryNoJIT(ctx context.Context, sql string, args []any, each func(pgx.Rows) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL jit = off`); err != nil {
			return err
		}
		return eachRow(ctx, tx, sql, args, each)
	})
}

// eachRow runs sql in tx and calls fn on every row.
func eachRow(ctx context.Context, tx pgx.Tx, sql string, args []any, fn func(pgx.Rows) error) error {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// pageLimit is a page's size; the API always sets one, callers in Go may
// leave it 0 for 10.
func pageLimit(p geo.Page) int {
	if p.Limit <= 0 {
		return 10
	}
	return p.Limit
}

func day(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
