// Package overlaps is CommonGround's overlap engine: the rule of
// geo/overlap.go run in Go over activities loaded once. The pass pairs a
// set of activities (a grid on the unit sphere for the distance, groups by
// GeoNames place and by country, theme bitmasks) and accumulates the best
// pairs, a histogram of scores and the counts per pair of leads; the
// hotspot sweep finds, per place and theme, the day the most members work
// there at once. It does no I/O: geo/postgis loads its inputs and turns
// its results into geo's API types.
package overlaps

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/commonground/commonground/geo"
)

// Activity is one activity taking part in a pass. A pass's activities are
// sorted by ID.
type Activity struct {
	ID, Lead int64
	Lo, Hi   int32   // period [Lo, Hi) in day numbers; OpenStart, OpenEnd when open
	Active   bool    // status implementation
	Themes   uint64  // bitmask: bit i is the i-th theme code of the caller's list
	Locs     []int32 // indexes of its locations in the pass's locations
}

// Location is one located place of an activity: a point (X, Y, Z, from
// UnitVector) with its GeoNames place and country when known, or, when
// Wide, a whole country (Country; the point is unused).
type Location struct {
	Act     int32 // index of its activity in the pass's activities
	ID      int64
	Wide    bool
	X, Y, Z float64
	Place   int64  // GeoNames id, 0 when none
	Country string // ISO code, "" when none
	cell    [3]int32
}

// Pair is one overlap: activities A < B, at their locations LocA and LocB.
type Pair struct {
	A, B, LocA, LocB int64
	Tier             geo.PlaceTier
	Dist             float64 // metres, near tier; else 0
	SamePlace        bool    // near tier at one GeoNames place
	Themes           uint64  // shared
	Lo, Hi           int32   // the overlapping period, [Lo, Hi)
	Active           bool    // both active on Options.Day
	Score            float64
}

// Options are a pass's parameters besides the activities.
type Options struct {
	Day      int32         // the day "both active" refers to
	Keep     int           // best pairs kept in Index.Top
	MinScore float64       // pairs scoring below are neither kept nor counted
	Org      int64         // when set, one side must be led by it
	Anchor   int64         // when set, one side must be this activity
	MaxTier  geo.PlaceTier // weakest tier reported
	Distance float64       // near distance, metres
}

// Pass finds every overlap among acts (sorted by ID) with their locations
// locs (each Location's Act and each Activity's Locs pointing at each
// other) under o, and accumulates them into an Index. Two activities pair
// when their leads differ (and, with o.Org, one of them is o.Org), they
// share a theme bit, their periods overlap, and two of their locations
// share a place at a tier no weaker than o.MaxTier: points within
// o.Distance metres on PostGIS's sphere or at one GeoNames place
// (geo.TierNear), a point in the country of a country-wide location
// (geo.TierInCountry), two country-wide locations in one country
// (geo.TierSameCountry). A pair counts once, at its strongest tier and,
// within it, its shortest distance; it is found from its first activity,
// or with o.Anchor only from the anchor, whichever of the two it is (an
// anchor not among acts has no overlaps). Pass reads acts and writes only
// the unexported part of locs. It returns ctx's error when ctx ends first.
func Pass(ctx context.Context, acts []Activity, locs []Location, o Options) (*Index, error) {
	idx := &Index{Cells: map[[2]int64]*Cell{}}
	anchor := -1
	if o.Anchor != 0 {
		i, ok := slices.BinarySearchFunc(acts, o.Anchor, func(a Activity, id int64) int { return cmp.Compare(a.ID, id) })
		if !ok {
			return idx, nil // not visible or not taking part: no overlaps
		}
		anchor = i
	}
	p := newPairer(acts, locs, o)
	top := &pairHeap{keep: o.Keep}
	for ai := range acts {
		if ai%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err() // the request gave up
		}
		if anchor >= 0 && ai != anchor {
			continue
		}
		p.find(int32(ai), anchor >= 0)
		p.count(idx, top)
	}
	idx.Top = top.sorted()
	return idx, nil
}

// candidate is the best way found so far for the current activity to pair
// with another: its tier, distance and the two locations.
type candidate struct {
	tier      geo.PlaceTier
	dist      float64
	samePlace bool
	la, lb    int32
}

// pairer holds a pass's groups of locations and, for the activity being
// paired (ai), the best candidate per other activity.
type pairer struct {
	acts     []Activity
	locs     []Location
	o        Options
	grid     map[[3]int32][]int32 // points by cell of the near distance
	places   map[int64][]int32    // points by GeoNames place
	wideIn   map[string][]int32   // country-wide locations by country
	pointsIn map[string][]int32   // points by country
	best     []candidate          // per activity, valid where stamp is ai
	stamp    []int32
	touched  []int32 // the activities with a candidate for ai
	ai       int32
	after    int32 // pair only with activities after this one
}

func newPairer(acts []Activity, locs []Location, o Options) *pairer {
	p := &pairer{acts: acts, locs: locs, o: o, grid: map[[3]int32][]int32{}, places: map[int64][]int32{},
		wideIn: map[string][]int32{}, pointsIn: map[string][]int32{}}
	p.group()
	p.best = make([]candidate, len(acts))
	p.stamp = make([]int32, len(acts))
	for i := range p.stamp {
		p.stamp[i] = -1
	}
	return p
}

// group puts each location in its groups: a point in the cell of the grid
// (of the near distance's chord on the unit sphere), at its place and in
// its country; a country-wide one in its country.
func (p *pairer) group() {
	chord := 2 * math.Sin(p.o.Distance/sphereRadius/2)
	for i := range p.locs {
		l := &p.locs[i]
		if l.Wide {
			if l.Country != "" {
				p.wideIn[l.Country] = append(p.wideIn[l.Country], int32(i))
			}
			continue
		}
		l.cell = [3]int32{int32(math.Floor(l.X / chord)), int32(math.Floor(l.Y / chord)), int32(math.Floor(l.Z / chord))}
		p.grid[l.cell] = append(p.grid[l.cell], int32(i))
		if l.Place != 0 {
			p.places[l.Place] = append(p.places[l.Place], int32(i))
		}
		if l.Country != "" {
			p.pointsIn[l.Country] = append(p.pointsIn[l.Country], int32(i))
		}
	}
}

// find collects ai's candidates from each of its locations. Anchored, ai
// pairs with every other activity; else only with those after it.
func (p *pairer) find(ai int32, anchored bool) {
	p.ai, p.after = ai, ai
	if anchored {
		p.after = -1
	}
	p.touched = p.touched[:0]
	for _, li := range p.acts[ai].Locs {
		if p.locs[li].Wide {
			p.fromWide(li)
		} else {
			p.fromPoint(li)
		}
	}
}

// other says whether activity bi pairs with ai here.
func (p *pairer) other(bi int32) bool { return bi > p.after && bi != p.ai }

// fromWide offers the pairs of the country-wide location li: with the
// points in its country and the other country-wide locations there.
func (p *pairer) fromWide(li int32) {
	country := p.locs[li].Country
	if country == "" {
		return
	}
	for _, lj := range p.pointsIn[country] {
		if bi := p.locs[lj].Act; p.other(bi) {
			p.offer(bi, candidate{geo.TierInCountry, 0, false, li, lj})
		}
	}
	for _, lj := range p.wideIn[country] {
		if bi := p.locs[lj].Act; p.other(bi) {
			p.offer(bi, candidate{geo.TierSameCountry, 0, false, li, lj})
		}
	}
}

// fromPoint offers the pairs of the point li: with the points within the
// distance (from its cell and the 26 around it), at its place, and the
// country-wide locations of its country.
func (p *pairer) fromPoint(li int32) {
	locs := p.locs
	la := &locs[li]
	d, k := p.o.Distance, la.cell
	for dx := int32(-1); dx <= 1; dx++ {
		for dy := int32(-1); dy <= 1; dy++ {
			for dz := int32(-1); dz <= 1; dz++ {
				for _, lj := range p.grid[[3]int32{k[0] + dx, k[1] + dy, k[2] + dz}] {
					lb := &locs[lj]
					if !p.other(lb.Act) {
						continue
					}
					if dist := arcDistance(la, lb); dist <= d {
						p.offer(lb.Act, candidate{geo.TierNear, dist, la.Place != 0 && la.Place == lb.Place, li, lj})
					}
				}
			}
		}
	}
	if la.Place != 0 {
		for _, lj := range p.places[la.Place] {
			if lb := &locs[lj]; p.other(lb.Act) {
				p.offer(lb.Act, candidate{geo.TierNear, arcDistance(la, lb), true, li, lj})
			}
		}
	}
	if la.Country != "" {
		for _, lj := range p.wideIn[la.Country] {
			if bi := locs[lj].Act; p.other(bi) {
				p.offer(bi, candidate{geo.TierInCountry, 0, false, li, lj})
			}
		}
	}
}

// offer keeps c as ai's candidate with bi if the two may pair (tier,
// leads, organisation, a shared theme, overlapping periods) and c is the
// first or beats the one kept (a stronger tier, or a shorter distance).
func (p *pairer) offer(bi int32, c candidate) {
	a, b, o := &p.acts[p.ai], &p.acts[bi], &p.o
	if c.tier > o.MaxTier || b.Lead == a.Lead || o.Org != 0 && a.Lead != o.Org && b.Lead != o.Org ||
		a.Themes&b.Themes == 0 || a.Lo >= b.Hi || b.Lo >= a.Hi {
		return
	}
	if p.stamp[bi] != p.ai {
		p.stamp[bi] = p.ai
		p.best[bi] = c
		p.touched = append(p.touched, bi)
		return
	}
	if kept := &p.best[bi]; c.tier < kept.tier || c.tier == kept.tier && c.dist < kept.dist {
		*kept = c
	}
}

// count scores ai's pairs and adds those scoring at least MinScore to idx.
func (p *pairer) count(idx *Index, top *pairHeap) {
	for _, bi := range p.touched {
		a, b, c := &p.acts[p.ai], &p.acts[bi], p.best[bi]
		if b.ID < a.ID { // the anchor is the later one
			a, b, c.la, c.lb = b, a, c.lb, c.la
		}
		pr := Pair{A: a.ID, B: b.ID, LocA: p.locs[c.la].ID, LocB: p.locs[c.lb].ID, Tier: c.tier, Dist: c.dist, SamePlace: c.samePlace,
			Themes: a.Themes & b.Themes, Lo: max(a.Lo, b.Lo), Hi: min(a.Hi, b.Hi)}
		day := p.o.Day
		pr.Active = a.Active && b.Active && a.Lo <= day && day < a.Hi && b.Lo <= day && day < b.Hi
		pr.Score = overlapScore(pr, a, b, p.o.Distance)
		if pr.Score >= p.o.MinScore {
			idx.add(pr, a.Lead, b.Lead, top)
		}
	}
}
