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
	"github.com/commonground/commonground/geo/overlaps"
)

// Overlaps returns one page of the overlaps q selects for v, best first
// (then by the pair's ids), with how many there are. See geo/overlap.go
// for the rule and the score.
func (s *Store) Overlaps(ctx context.Context, v geo.Viewer, oq geo.OverlapQuery) (geo.OverlapPage, error) {
	out := geo.OverlapPage{Overlaps: []geo.Overlap{}}
	if err := oq.Validate(); err != nil {
		return out, err
	}
	if p, ok, err := s.overlapsFromIndex(ctx, v, oq); ok || err != nil {
		return p, err
	}
	limit := pageLimit(oq.Page)
	idx, _, err := s.overlapPass(ctx, v, oq, overlaps.Options{Day: asOfDay(oq), Keep: oq.Page.Offset + limit, MinScore: oq.MinScore}, false)
	if err != nil {
		return out, fmt.Errorf("postgis: overlaps: %w", translate(err))
	}
	page := idx.Top[min(oq.Page.Offset, len(idx.Top)):min(oq.Page.Offset+limit, len(idx.Top))]
	return s.describeOverlaps(ctx, idx, page, idx.Total)
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
	n := sort.Search(len(idx.Top), func(i int) bool { return idx.Top[i].Score < oq.MinScore })
	matched := idx.Matched(oq.MinScore)
	if oq.Page.Offset+limit > n && int64(n) != matched {
		return out, false, nil // beyond the kept pairs
	}
	page := idx.Top[min(oq.Page.Offset, n):min(oq.Page.Offset+limit, n)]
	p, err := s.describeOverlaps(ctx, idx, page, matched)
	return p, err == nil, err
}

// overlapIndexPageSQL is a page of a pass's pairs, given as arrays, for
// overlapDescribeSQL.
const overlapIndexPageSQL = `WITH page AS (
	SELECT a, b, tier, dist, same_place, string_to_array(th, ',') AS themes, daterange(olo, ohi, '[)') AS ov,
		active, score, $11::bigint AS matched, la, lb
	FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::float8[], $5::bool[], $6::text[], $7::date[], $8::date[],
		$9::bool[], $10::float8[], $12::bigint[], $13::bigint[])
		AS x(a, b, tier, dist, same_place, th, olo, ohi, active, score, la, lb)
)
` + overlapDescribeSQL

// overlapDescribeSQL describes each pair of the CTE page: the activities,
// their leads and locations, the shared place and the theme names. Tiers
// are geo.PlaceTier's numbers (1 is geo.TierNear).
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

// describeOverlaps turns pairs of a pass into the page's overlaps.
func (s *Store) describeOverlaps(ctx context.Context, idx *overlapIndex, page []overlaps.Pair, matched int64) (geo.OverlapPage, error) {
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
		if p.Lo >= 0 {
			t := overlaps.DayTime(p.Lo)
			lo = &t
		}
		if p.Hi <= overlaps.DayMax {
			t := overlaps.DayTime(p.Hi)
			hi = &t
		}
		as, bs, las, lbs = append(as, p.A), append(bs, p.B), append(las, p.LocA), append(lbs, p.LocB)
		tiers, dists, scores = append(tiers, int32(p.Tier)), append(dists, p.Dist), append(scores, p.Score)
		same, active = append(same, p.SamePlace), append(active, p.Active)
		themes = append(themes, strings.Join(overlaps.ThemeCodes(p.Themes, idx.codes), ","))
		los, his = append(los, lo), append(his, hi)
	}
	args := []any{as, bs, tiers, dists, same, themes, los, his, active, scores, matched, las, lbs}
	err := s.eachRow(ctx, nil, overlapIndexPageSQL, args, func(rows pgx.Rows) error { return scanOverlap(rows, &out) })
	if err != nil {
		return out, fmt.Errorf("postgis: overlaps: %w", translate(err))
	}
	return out, nil
}

// scanOverlap reads one row of overlapDescribeSQL into out.
func scanOverlap(rows pgx.Rows, out *geo.OverlapPage) error {
	var o geo.Overlap
	var from, to, aStart, aEnd, bStart, bEnd *time.Time
	var ax, ay, bx, by float64
	var aStatus, bStatus, aCons, bCons string
	if err := rows.Scan(&o.A.ID, &o.B.ID, &o.Tier, &o.DistanceKm, &o.SamePlace, &o.Themes, &o.ThemeNames,
		&from, &to, &o.ActiveNow, &o.Score, &out.NumberMatched, &o.Place, &o.CountryCode,
		&o.A.Title, &aStatus, &aStart, &aEnd, &o.A.OrganisationID, &o.A.Organisation, &aCons,
		&o.A.Location, &ax, &ay, &o.A.CountryWide,
		&o.B.Title, &bStatus, &bStart, &bEnd, &o.B.OrganisationID, &o.B.Organisation, &bCons,
		&o.B.Location, &bx, &by, &o.B.CountryWide); err != nil {
		return err
	}
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

// eachRow runs the read-only query sql and calls fn on every row. In tx
// when one is given, under its snapshot and settings; else in a read-only
// transaction of its own with PostgreSQL's JIT off. The overlap queries'
// cost estimates are far above the JIT thresholds (the geography self-join
// is estimated pessimistically), and compiling them took 1.8 s of a 2.0 s
// query on 11,486 activities, so they run without JIT whatever the
// server's setting.
func (s *Store) eachRow(ctx context.Context, tx pgx.Tx, sql string, args []any, fn func(pgx.Rows) error) error {
	if tx == nil {
		return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SET LOCAL jit = off`); err != nil {
				return err
			}
			return s.eachRow(ctx, tx, sql, args, fn)
		})
	}
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
