package postgis

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/commonground/commonground/geo"
)

// The overlap pass finds the overlaps among a set of activities in Go:
// one SQL query loads the activities a request's viewer may see and its
// filter selects, from one snapshot, and the pass pairs them (a grid on
// the unit sphere for the distance, groups by place and country, theme
// bitmasks), accumulating the best pairs, a histogram of scores and the
// counts per pair of leads; the pairs themselves are not kept. It restates
// the rule of overlapPairsSQL (overlaps.go), to which tests hold it.
//
// The overlap index is that pass over the public activities with the
// default parameters, run by Watch once per data version and day (the
// score's "both active" depends on the day), so the requests everyone
// makes first, the unfiltered /overlaps pages and /overlaps/matrix, cost a
// lookup: at 100k activities their pass takes a second, at 1M over a
// minute. It keeps the best overlapIndexTop pairs.
const overlapIndexTop = 10000

// Days are counted from 1950-01-01, the earliest date the schema allows;
// an open start is -1 and an open end dayMax+1, so ranges compare as
// PostgreSQL's infinite bounds do, while lengths clamp them to 1950-01-01
// and 2101-01-01 as the SQL's coalesce does.
var dayZero = time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)

var dayMax = int32(time.Date(2101, 1, 1, 0, 0, 0, 0, time.UTC).Sub(dayZero).Hours() / 24)

func dayNumber(t time.Time) int32 { return int32(t.Sub(dayZero).Hours() / 24) }

func dayTime(d int32) time.Time { return dayZero.AddDate(0, 0, int(d)) }

// sphereRadius is PostGIS's sphere (the WGS84 mean radius), which
// ST_DWithin and ST_Distance use with use_spheroid false.
const sphereRadius = 6371008.771415059

type ovAct struct {
	id, lead int64
	lo, hi   int32 // [lo, hi) in days, open ends as above
	active   bool  // status implementation
	themes   uint64
	locs     []int32
}

type ovLoc struct {
	act     int32 // index into acts, which are sorted by id
	id      int64
	wide    bool
	x, y, z float64 // unit vector
	place   int64
	country string
	cellKey [3]int32
}

// ovPair is one overlap as the index keeps it.
type ovPair struct {
	a, b, la, lb int64
	tier         int8
	dist         float64 // metres
	samePlace    bool
	themes       uint64
	lo, hi       int32 // the overlap, [lo, hi)
	active       bool
	score        float64
}

type ovCell struct {
	n      int64
	best   float64
	themes [64]int64
}

// overlapIndex is the result of one pass.
type overlapIndex struct {
	version int64
	day     int32 // as_of
	codes   []string
	top     []ovPair    // best first, then by a, b
	hist    [1001]int64 // pairs per score tenth
	cells   map[[2]int64]*ovCell
	total   int64
	built   time.Duration
	// hotspots of the index's activities with two or more members (the
	// public, unfiltered /overlaps/hotspots).
	hotspots []hsFound
}

// overlapIndexHolder keeps the current index for concurrent readers.
type overlapIndexHolder struct {
	mu  sync.RWMutex
	idx *overlapIndex
	sql bool // tests: answer with the SQL statement of the rule instead
}

func (h *overlapIndexHolder) get() *overlapIndex {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.sql {
		return nil
	}
	return h.idx
}

func (h *overlapIndexHolder) sqlOnly() bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.sql
}

func (h *overlapIndexHolder) set(idx *overlapIndex) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.idx = idx
}

// OverlapIndexRefresh says what RefreshOverlapIndex did.
type OverlapIndexRefresh struct {
	Built      bool
	Version    int64
	Activities int
	Overlaps   int64
	Duration   time.Duration
}

// RefreshOverlapIndex rebuilds the overlap index unless it is already of
// the current data version and today.
func (s *Store) RefreshOverlapIndex(ctx context.Context) (OverlapIndexRefresh, error) {
	var r OverlapIndexRefresh
	today := dayNumber(time.Now().UTC().Truncate(24 * time.Hour))
	v, err := s.DataVersion(ctx)
	if err != nil {
		return r, err
	}
	if idx := s.overlapIdx.get(); idx != nil && idx.version == v && idx.day == today {
		return r, nil
	}
	start := time.Now()
	idx, n, err := s.buildOverlapIndex(ctx, today)
	if err != nil {
		return r, fmt.Errorf("postgis: overlap index: %w", translate(err))
	}
	idx.built = time.Since(start)
	s.overlapIdx.set(idx)
	return OverlapIndexRefresh{Built: true, Version: idx.version, Activities: n, Overlaps: idx.total, Duration: idx.built}, nil
}

// buildOverlapIndex runs the pass over the public activities taking part
// by default, from one snapshot.
func (s *Store) buildOverlapIndex(ctx context.Context, day int32) (*overlapIndex, int, error) {
	idx, n, err := s.overlapPass(ctx, geo.Viewer{Kind: geo.Anonymous}, geo.OverlapQuery{}, passOpts{day: day, keep: overlapIndexTop, background: true})
	return idx, n, err
}

// passOpts are a pass's parameters besides the activities.
type passOpts struct {
	day      int32   // as_of
	keep     int     // best pairs kept
	minScore float64 // pairs below are not counted
	org      int64   // when set, one side must be led by it
	anchor   int64   // when set, one side must be this activity
	maxTier  int8
	d        float64 // near distance, metres
	// background builds have no request deadline: no statement timeout.
	background bool
}

// passActivitiesSQL loads the activities of a pass (aliased a, with the
// WHERE clause %s), with their leads, periods and themes, by id.
const passActivitiesSQL = `SELECT a.id, lo.organisation_id, a.status = 'implementation', lower(a.period), upper(a.period),
		coalesce((SELECT array_agg(theme_code) FROM activity_themes WHERE activity_id = a.id), '{}')
	FROM activities a JOIN activity_organisations lo ON lo.activity_id = a.id AND lo.role = 'lead'
	WHERE %s ORDER BY a.id`

// passLocationsSQL loads their locations (l, of activities aliased a, with
// the WHERE clause %s).
const passLocationsSQL = `SELECT l.activity_id, l.id, l.kind = 'country', ST_X(l.point), ST_Y(l.point),
		coalesce(l.place_id, 0), coalesce(l.country_code, '')
	FROM activity_locations l JOIN activities a ON a.id = l.activity_id
	WHERE l.point IS NOT NULL AND %s`

// overlapPass loads the activities oq's filter selects for v (with the
// statuses oq takes) from one snapshot and runs the pass over them. For
// one activity's overlaps (oq.Activity) it loads that activity and only
// the others that could pair with it (overlap_activity.go).
func (s *Store) overlapPass(ctx context.Context, v geo.Viewer, oq geo.OverlapQuery, o passOpts) (*overlapIndex, int, error) {
	o.d, o.maxTier = oq.Distance()*1000, int8(oq.Tier())
	if o.org == 0 {
		o.org = oq.Organisation
	}
	o.anchor = oq.Activity
	idx := &overlapIndex{day: o.day, cells: map[[2]int64]*ovCell{}}
	var acts []ovAct
	var locs []ovLoc
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if o.background {
			if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `SET LOCAL jit = off`); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT version FROM data_version`).Scan(&idx.version); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT code FROM themes ORDER BY code`)
		if err != nil {
			return err
		}
		if idx.codes, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			return err
		}
		if len(idx.codes) > 64 {
			return fmt.Errorf("%d themes: the pass holds at most 64", len(idx.codes))
		}
		if oq.Activity != 0 {
			acts, locs, err = loadActivityPass(ctx, tx, v, oq, idx.codes)
			return err
		}
		var q query
		if err := q.activities(v, oq.Filter); err != nil {
			return err
		}
		q.takingPart(oq.IncludeCompleted)
		if acts, err = loadPassActivities(ctx, tx, fmt.Sprintf(passActivitiesSQL, q.sql()), q.args, idx.codes, nil); err != nil {
			return err
		}
		if locs, err = loadPassLocations(ctx, tx, fmt.Sprintf(passLocationsSQL, q.sql()), q.args, acts); err != nil {
			return err
		}
		if o.background { // the index also keeps the public hotspots
			idx.hotspots, err = s.findHotspots(ctx, txQuerier{tx}, v, oq.Filter, oq.IncludeCompleted, 2)
		}
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	if err := idx.pass(ctx, acts, locs, o); err != nil {
		return nil, 0, err
	}
	return idx, len(acts), nil
}

// loadPassActivities appends to acts the rows of a passActivitiesSQL
// query, themes as bitmasks of codes.
func loadPassActivities(ctx context.Context, tx pgx.Tx, sql string, args []any, codes []string, acts []ovAct) ([]ovAct, error) {
	bit := make(map[string]uint64, len(codes))
	for i, c := range codes {
		bit[c] = 1 << i
	}
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a ovAct
		var lo, hi *time.Time
		var themes []string
		if err := rows.Scan(&a.id, &a.lead, &a.active, &lo, &hi, &themes); err != nil {
			return nil, err
		}
		a.lo, a.hi = -1, dayMax+1
		if lo != nil {
			a.lo = dayNumber(*lo)
		}
		if hi != nil {
			a.hi = dayNumber(*hi)
		}
		for _, t := range themes {
			a.themes |= bit[t]
		}
		acts = append(acts, a)
	}
	return acts, rows.Err()
}

// loadPassLocations reads the rows of a passLocationsSQL query: the
// locations of acts (sorted by id), linking each to its activity.
func loadPassLocations(ctx context.Context, tx pgx.Tx, sql string, args []any, acts []ovAct) ([]ovLoc, error) {
	byID := make(map[int64]int32, len(acts))
	for i, a := range acts {
		byID[a.id] = int32(i)
	}
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var locs []ovLoc
	for rows.Next() {
		var l ovLoc
		var act int64
		var lon, lat float64
		if err := rows.Scan(&act, &l.id, &l.wide, &lon, &lat, &l.place, &l.country); err != nil {
			return nil, err
		}
		i, ok := byID[act]
		if !ok {
			continue // no lead
		}
		l.act = i
		φ, λ := lat*math.Pi/180, lon*math.Pi/180
		l.x, l.y, l.z = math.Cos(φ)*math.Cos(λ), math.Cos(φ)*math.Sin(λ), math.Sin(φ)
		acts[i].locs = append(acts[i].locs, int32(len(locs)))
		locs = append(locs, l)
	}
	return locs, rows.Err()
}

// pass finds every overlap among acts (the rule of overlaps.go with o's
// parameters) and accumulates the index. Each pair is found from its
// first activity (a < b); with o.anchor, only from the anchor, whichever
// of the two it is.
func (idx *overlapIndex) pass(ctx context.Context, acts []ovAct, locs []ovLoc, o passOpts) error {
	d := o.d
	anchor := -1
	if o.anchor != 0 {
		i, ok := slices.BinarySearchFunc(acts, o.anchor, func(a ovAct, id int64) int { return cmp.Compare(a.id, id) })
		if !ok {
			return nil // not visible or not taking part: no overlaps
		}
		anchor = i
	}
	chord := 2 * math.Sin(d/sphereRadius/2) // of the distance, on the unit sphere
	cellOf := func(l *ovLoc) [3]int32 {
		return [3]int32{int32(math.Floor(l.x / chord)), int32(math.Floor(l.y / chord)), int32(math.Floor(l.z / chord))}
	}
	grid := map[[3]int32][]int32{}
	places := map[int64][]int32{}
	wideBy := map[string][]int32{}
	pointsBy := map[string][]int32{}
	for i := range locs {
		l := &locs[i]
		if l.wide {
			if l.country != "" {
				wideBy[l.country] = append(wideBy[l.country], int32(i))
			}
			continue
		}
		l.cellKey = cellOf(l)
		grid[l.cellKey] = append(grid[l.cellKey], int32(i))
		if l.place != 0 {
			places[l.place] = append(places[l.place], int32(i))
		}
		if l.country != "" {
			pointsBy[l.country] = append(pointsBy[l.country], int32(i))
		}
	}
	type cand struct {
		tier      int8
		dist      float64
		samePlace bool
		la, lb    int32
	}
	best := make([]cand, len(acts))
	stamp := make([]int32, len(acts))
	for i := range stamp {
		stamp[i] = -1
	}
	var touched []int32
	top := &pairHeap{keep: o.keep}
	for ai := range acts {
		if ai%1024 == 0 && ctx.Err() != nil {
			return ctx.Err() // the request gave up
		}
		if anchor >= 0 && ai != anchor {
			continue
		}
		// other says whether activity bi pairs with ai here: it comes
		// after ai, or, for the anchor, is any other.
		after := int32(ai)
		if anchor >= 0 {
			after = -1
		}
		other := func(bi int32) bool { return bi > after && bi != int32(ai) }
		a := &acts[ai]
		touched = touched[:0]
		offer := func(bi int32, tier int8, dist float64, samePlace bool, la, lb int32) {
			b := &acts[bi]
			if tier > o.maxTier || b.lead == a.lead || o.org != 0 && a.lead != o.org && b.lead != o.org || a.themes&b.themes == 0 || a.lo >= b.hi || b.lo >= a.hi {
				return
			}
			if stamp[bi] != int32(ai) {
				stamp[bi] = int32(ai)
				best[bi] = cand{tier, dist, samePlace, la, lb}
				touched = append(touched, bi)
				return
			}
			c := &best[bi]
			if tier < c.tier || tier == c.tier && dist < c.dist {
				*c = cand{tier, dist, samePlace, la, lb}
			}
		}
		for _, li := range a.locs {
			la := &locs[li]
			if la.wide {
				if la.country == "" {
					continue
				}
				for _, lj := range pointsBy[la.country] { // a country-wide, b at a place in it
					if bi := locs[lj].act; other(bi) {
						offer(bi, 2, 0, false, li, lj)
					}
				}
				for _, lj := range wideBy[la.country] { // both country-wide
					if bi := locs[lj].act; other(bi) {
						offer(bi, 3, 0, false, li, lj)
					}
				}
				continue
			}
			k := la.cellKey
			for dx := int32(-1); dx <= 1; dx++ {
				for dy := int32(-1); dy <= 1; dy++ {
					for dz := int32(-1); dz <= 1; dz++ {
						for _, lj := range grid[[3]int32{k[0] + dx, k[1] + dy, k[2] + dz}] {
							lb := &locs[lj]
							if !other(lb.act) {
								continue
							}
							if dist := arcDistance(la, lb); dist <= d {
								offer(lb.act, 1, dist, la.place != 0 && la.place == lb.place, li, lj)
							}
						}
					}
				}
			}
			if la.place != 0 {
				for _, lj := range places[la.place] {
					if lb := &locs[lj]; other(lb.act) {
						offer(lb.act, 1, arcDistance(la, lb), true, li, lj)
					}
				}
			}
			if la.country != "" {
				for _, lj := range wideBy[la.country] { // a at a place, b country-wide
					if bi := locs[lj].act; other(bi) {
						offer(bi, 2, 0, false, li, lj)
					}
				}
			}
		}
		for _, bi := range touched {
			a, b, c := a, &acts[bi], best[bi]
			if b.id < a.id { // the anchor is the later one
				a, b, c.la, c.lb = b, a, c.lb, c.la
			}
			p := ovPair{a: a.id, b: b.id, la: locs[c.la].id, lb: locs[c.lb].id, tier: c.tier, dist: c.dist, samePlace: c.samePlace,
				themes: a.themes & b.themes, lo: max(a.lo, b.lo), hi: min(a.hi, b.hi)}
			p.active = a.active && b.active && a.lo <= idx.day && idx.day < a.hi && b.lo <= idx.day && idx.day < b.hi
			p.score = overlapScore(p, a, b, d)
			if p.score >= o.minScore {
				idx.add(p, a.lead, b.lead, top)
			}
		}
	}
	idx.top = top.sorted()
	return nil
}

// arcDistance is the great-circle distance in metres.
func arcDistance(a, b *ovLoc) float64 {
	dx, dy, dz := a.x-b.x, a.y-b.y, a.z-b.z
	c := math.Sqrt(dx*dx + dy*dy + dz*dz)
	return 2 * sphereRadius * math.Asin(math.Min(1, c/2))
}

// overlapScore is the SQL's score (overlaps.go) for one pair.
func overlapScore(p ovPair, a, b *ovAct, d float64) float64 {
	var place float64
	switch p.tier {
	case 1:
		x := math.Min(p.dist, d) / d
		place = 1 - 0.5*x*x
		if p.samePlace {
			place = math.Max(place, 0.75)
		}
	case 2:
		place = 0.35
	default:
		place = 0.2
	}
	na, nb := bits.OnesCount64(a.themes), bits.OnesCount64(b.themes)
	theme := float64(bits.OnesCount64(p.themes)) / float64(max(na, nb, 2))
	length := func(lo, hi int32) int32 { return min(hi, dayMax) - max(lo, 0) }
	share := float64(length(p.lo, p.hi)) / float64(max(1, min(length(a.lo, a.hi), length(b.lo, b.hi))))
	score := 45*place + 25*theme + 20*share
	if p.active {
		score += 10
	}
	return roundScore(score)
}

// roundScore rounds to a tenth as PostgreSQL's round(numeric, 1) does a
// float8 cast to numeric: 15 significant digits, then halves away from
// zero, in decimal (scores are never negative).
func roundScore(x float64) float64 {
	s := strconv.FormatFloat(x, 'f', max(0, 14-int(math.Floor(math.Log10(math.Max(math.Abs(x), 1))))), 64)
	whole, frac, _ := strings.Cut(s, ".")
	frac += "00"
	n, _ := strconv.ParseInt(whole+frac[:1], 10, 64)
	if frac[1] >= '5' {
		n++
	}
	return float64(n) / 10
}

func (idx *overlapIndex) add(p ovPair, leadA, leadB int64, top *pairHeap) {
	idx.total++
	idx.hist[int(math.Round(p.score*10))]++
	k := [2]int64{min(leadA, leadB), max(leadA, leadB)}
	c := idx.cells[k]
	if c == nil {
		c = &ovCell{}
		idx.cells[k] = c
	}
	c.n++
	c.best = math.Max(c.best, p.score)
	for t := p.themes; t != 0; t &= t - 1 {
		c.themes[bits.TrailingZeros64(t)]++
	}
	top.offer(p)
}

// pairHeap keeps the keep best pairs (score, then a, b).
type pairHeap struct {
	ps   []ovPair
	keep int
}

// worse orders the heap: the root is the worst kept pair.
func worse(x, y ovPair) bool {
	if x.score != y.score {
		return x.score < y.score
	}
	if x.a != y.a {
		return x.a > y.a
	}
	return x.b > y.b
}

func (h *pairHeap) offer(p ovPair) {
	if h.keep <= 0 {
		return
	}
	if len(h.ps) < h.keep {
		h.ps = append(h.ps, p)
		for i := len(h.ps) - 1; i > 0; {
			up := (i - 1) / 2
			if !worse(h.ps[i], h.ps[up]) {
				break
			}
			h.ps[i], h.ps[up] = h.ps[up], h.ps[i]
			i = up
		}
		return
	}
	if !worse(h.ps[0], p) {
		return
	}
	h.ps[0] = p
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h.ps) && worse(h.ps[l], h.ps[m]) {
			m = l
		}
		if r < len(h.ps) && worse(h.ps[r], h.ps[m]) {
			m = r
		}
		if m == i {
			break
		}
		h.ps[i], h.ps[m] = h.ps[m], h.ps[i]
		i = m
	}
}

// sorted returns the kept pairs, best first.
func (h *pairHeap) sorted() []ovPair {
	out := slices.Clone(h.ps)
	sort.Slice(out, func(i, j int) bool { return worse(out[j], out[i]) })
	return out
}

// currentOverlapIndex returns the overlap index if it is of the current
// data version, else nil (also when tests ask for the SQL).
func (s *Store) currentOverlapIndex(ctx context.Context) (*overlapIndex, error) {
	idx := s.overlapIdx.get()
	if idx == nil {
		return nil, nil
	}
	version, err := s.DataVersion(ctx)
	if err != nil || version != idx.version {
		return nil, err
	}
	return idx, nil
}

// serves reports whether the index (of the current data version) answers
// an overlap request as the pass over its activities would: the public,
// unfiltered, with the default distance, tiers and statuses, on its day,
// and not of one organisation or activity (it keeps only the best pairs).
func (idx *overlapIndex) serves(v geo.Viewer, oq geo.OverlapQuery) bool {
	return idx != nil && v.Kind == geo.Anonymous && oq.Filter.Empty() && oq.Organisation == 0 && oq.Activity == 0 &&
		oq.Distance() == geo.DefaultOverlapDistanceKm && oq.Tier() == geo.TierSameCountry && !oq.IncludeCompleted &&
		asOfDay(oq) == idx.day
}

// matched is the number of pairs scoring at least min.
func (idx *overlapIndex) matched(min float64) int64 {
	var n int64
	for i := int(math.Ceil(min*10 - 1e-9)); i <= 1000; i++ {
		n += idx.hist[max(i, 0)]
	}
	return n
}

// matrixCells lists the pass's cells as the SQL orders them: most
// overlaps first, then by the pair of leads; themes most frequent first,
// then by code.
func (idx *overlapIndex) matrixCells() []geo.MatrixCell {
	cells := make([]geo.MatrixCell, 0, len(idx.cells))
	for k, c := range idx.cells {
		cell := geo.MatrixCell{A: k[0], B: k[1], Overlaps: c.n, BestScore: c.best}
		for i, n := range c.themes {
			if n > 0 {
				cell.Themes = append(cell.Themes, geo.ThemeCount{Code: idx.codes[i], Count: n})
			}
		}
		slices.SortFunc(cell.Themes, func(x, y geo.ThemeCount) int {
			return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Code, y.Code))
		})
		cells = append(cells, cell)
	}
	slices.SortFunc(cells, func(x, y geo.MatrixCell) int {
		return cmp.Or(cmp.Compare(y.Overlaps, x.Overlaps), cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B))
	})
	return cells
}

// asOfDay is the day a query's "both active" refers to.
func asOfDay(oq geo.OverlapQuery) int32 {
	if oq.AsOf.IsZero() {
		return dayNumber(time.Now().UTC().Truncate(24 * time.Hour))
	}
	return dayNumber(oq.AsOf)
}

// themeCodes lists the codes of a theme mask, in code order.
func (idx *overlapIndex) themeCodes(mask uint64) []string {
	var out []string
	for t := mask; t != 0; t &= t - 1 {
		out = append(out, idx.codes[bits.TrailingZeros64(t)])
	}
	return out
}
