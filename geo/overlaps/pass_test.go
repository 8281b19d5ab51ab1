package overlaps

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/commonground/commonground/geo"
)

// act describes one activity of a case: lead, theme bits, period, status
// and its locations.
type act struct {
	lead     int64
	themes   uint64 // 0: bit 0
	lo, hi   int32  // 0, 0: open
	inactive bool
	locs     []loc
}

// loc is a point (lon, lat, place, country) or, wide, a country.
type loc struct {
	lon, lat float64
	place    int64
	country  string
	wide     bool
}

func point(lon, lat float64) loc { return loc{lon: lon, lat: lat} }

// build numbers the activities 1, 2, ... and their locations 101, 102, ...
func build(as []act) ([]Activity, []Location) {
	var acts []Activity
	var locs []Location
	for i, a := range as {
		x := Activity{ID: int64(i + 1), Lead: a.lead, Lo: a.lo, Hi: a.hi, Active: !a.inactive, Themes: a.themes}
		if x.Themes == 0 {
			x.Themes = 1
		}
		if a.lo == 0 && a.hi == 0 {
			x.Lo, x.Hi = OpenStart, OpenEnd
		}
		for _, l := range a.locs {
			y := Location{Act: int32(i), ID: int64(101 + len(locs)), Wide: l.wide, Place: l.place, Country: l.country}
			if !l.wide {
				y.X, y.Y, y.Z = UnitVector(l.lon, l.lat)
			}
			x.Locs = append(x.Locs, int32(len(locs)))
			locs = append(locs, y)
		}
		acts = append(acts, x)
	}
	return acts, locs
}

// found is what a case checks of a pair.
type found struct {
	a, b       int64
	tier       geo.PlaceTier
	samePlace  bool
	locA, locB int64
}

func TestPass(t *testing.T) {
	defaults := Options{Day: 100, Keep: 100, MaxTier: geo.TierSameCountry, Distance: 25000}
	with := func(f func(*Options)) Options { o := defaults; f(&o); return o }
	ke := loc{country: "KE", wide: true}
	nairobi := func(lon float64) loc { return loc{lon: lon, lat: 0, place: 7, country: "KE"} }
	for _, tt := range []struct {
		name string
		acts []act
		o    Options
		want []found
	}{
		{"near points", []act{{lead: 1, locs: []loc{point(10, 0)}}, {lead: 2, locs: []loc{point(east(10, 24), 0)}}}, defaults,
			[]found{{1, 2, geo.TierNear, false, 101, 102}}},
		{"too far", []act{{lead: 1, locs: []loc{point(10, 0)}}, {lead: 2, locs: []loc{point(east(10, 26), 0)}}}, defaults, nil},
		{"within a longer distance", []act{{lead: 1, locs: []loc{point(10, 0)}}, {lead: 2, locs: []loc{point(east(10, 26), 0)}}},
			with(func(o *Options) { o.Distance = 30000 }), []found{{1, 2, geo.TierNear, false, 101, 102}}},
		{"same place far apart", []act{{lead: 1, locs: []loc{nairobi(10)}}, {lead: 2, locs: []loc{nairobi(east(10, 40))}}}, defaults,
			[]found{{1, 2, geo.TierNear, true, 101, 102}}},
		{"same place nearby", []act{{lead: 1, locs: []loc{nairobi(10)}}, {lead: 2, locs: []loc{nairobi(east(10, 1))}}}, defaults,
			[]found{{1, 2, geo.TierNear, true, 101, 102}}},
		{"same lead", []act{{lead: 1, locs: []loc{point(10, 0)}}, {lead: 1, locs: []loc{point(10, 0)}}}, defaults, nil},
		{"no shared theme", []act{{lead: 1, themes: 0b01, locs: []loc{point(10, 0)}}, {lead: 2, themes: 0b10, locs: []loc{point(10, 0)}}}, defaults, nil},
		{"one shared theme", []act{{lead: 1, themes: 0b011, locs: []loc{point(10, 0)}}, {lead: 2, themes: 0b110, locs: []loc{point(10, 0)}}}, defaults,
			[]found{{1, 2, geo.TierNear, false, 101, 102}}},
		{"disjoint periods", []act{{lead: 1, lo: 10, hi: 20, locs: []loc{point(10, 0)}}, {lead: 2, lo: 30, hi: 40, locs: []loc{point(10, 0)}}}, defaults, nil},
		{"one ends where the other starts", []act{{lead: 1, lo: 10, hi: 20, locs: []loc{point(10, 0)}}, {lead: 2, lo: 20, hi: 40, locs: []loc{point(10, 0)}}}, defaults, nil},
		{"periods sharing a day", []act{{lead: 1, lo: 10, hi: 21, locs: []loc{point(10, 0)}}, {lead: 2, lo: 20, hi: 40, locs: []loc{point(10, 0)}}}, defaults,
			[]found{{1, 2, geo.TierNear, false, 101, 102}}},
		{"an open end", []act{{lead: 1, lo: 10, hi: OpenEnd, locs: []loc{point(10, 0)}}, {lead: 2, lo: 3000, hi: 4000, locs: []loc{point(10, 0)}}}, defaults,
			[]found{{1, 2, geo.TierNear, false, 101, 102}}},
		{"point in a country-wide activity's country", []act{{lead: 1, locs: []loc{nairobi(10)}}, {lead: 2, locs: []loc{ke}}}, defaults,
			[]found{{1, 2, geo.TierInCountry, false, 101, 102}}},
		{"country-wide before a point", []act{{lead: 1, locs: []loc{ke}}, {lead: 2, locs: []loc{nairobi(10)}}}, defaults,
			[]found{{1, 2, geo.TierInCountry, false, 101, 102}}},
		{"point in another country", []act{{lead: 1, locs: []loc{{lon: 32, lat: 0, country: "UG"}}}, {lead: 2, locs: []loc{ke}}}, defaults, nil},
		{"both country-wide", []act{{lead: 1, locs: []loc{ke}}, {lead: 2, locs: []loc{ke}}}, defaults,
			[]found{{1, 2, geo.TierSameCountry, false, 101, 102}}},
		{"country tiers left out at MaxTier near", []act{{lead: 1, locs: []loc{ke}}, {lead: 2, locs: []loc{nairobi(10)}}},
			with(func(o *Options) { o.MaxTier = geo.TierNear }), nil},
		{"same country left out at MaxTier in country", []act{{lead: 1, locs: []loc{ke}}, {lead: 2, locs: []loc{ke}}},
			with(func(o *Options) { o.MaxTier = geo.TierInCountry }), nil},
		{"the strongest tier counts", []act{{lead: 1, locs: []loc{ke, nairobi(10)}}, {lead: 2, locs: []loc{ke, nairobi(east(10, 3))}}}, defaults,
			[]found{{1, 2, geo.TierNear, true, 102, 104}}},
		{"the shortest distance counts", []act{{lead: 1, locs: []loc{point(10, 0), point(11, 0)}}, {lead: 2, locs: []loc{point(east(10, 20), 0), point(east(11, 2), 0)}}}, defaults,
			[]found{{1, 2, geo.TierNear, false, 102, 104}}},
		{"across the antimeridian", []act{{lead: 1, locs: []loc{point(179.95, -17)}}, {lead: 2, locs: []loc{point(-179.95, -17)}}}, defaults,
			[]found{{1, 2, geo.TierNear, false, 101, 102}}},
		{"three leads, three pairs", []act{{lead: 1, locs: []loc{point(10, 0)}}, {lead: 2, locs: []loc{point(10, 0)}}, {lead: 3, locs: []loc{point(10, 0)}}}, defaults,
			[]found{{1, 2, geo.TierNear, false, 101, 102}, {1, 3, geo.TierNear, false, 101, 103}, {2, 3, geo.TierNear, false, 102, 103}}},
		{"one organisation's", []act{{lead: 1, locs: []loc{point(10, 0)}}, {lead: 2, locs: []loc{point(10, 0)}}, {lead: 3, locs: []loc{point(10, 0)}}},
			with(func(o *Options) { o.Org = 3 }), []found{{1, 3, geo.TierNear, false, 101, 103}, {2, 3, geo.TierNear, false, 102, 103}}},
		{"one activity's, the later one", []act{{lead: 1, locs: []loc{point(10, 0)}}, {lead: 2, locs: []loc{point(10, 0)}}, {lead: 3, locs: []loc{point(10, 0)}}},
			with(func(o *Options) { o.Anchor = 2 }), []found{{1, 2, geo.TierNear, false, 101, 102}, {2, 3, geo.TierNear, false, 102, 103}}},
		{"one activity's, country-wide and later", []act{{lead: 1, locs: []loc{nairobi(10)}}, {lead: 2, locs: []loc{ke}}},
			with(func(o *Options) { o.Anchor = 2 }), []found{{1, 2, geo.TierInCountry, false, 101, 102}}},
		{"an unknown anchor has none", []act{{lead: 1, locs: []loc{point(10, 0)}}, {lead: 2, locs: []loc{point(10, 0)}}},
			with(func(o *Options) { o.Anchor = 9 }), nil},
		{"below the minimum score", []act{{lead: 1, locs: []loc{ke}}, {lead: 2, locs: []loc{ke}}},
			with(func(o *Options) { o.MinScore = 80 }), nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			acts, locs := build(tt.acts)
			idx, err := Pass(context.Background(), acts, locs, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			var got []found
			for _, p := range idx.Top {
				got = append(got, found{p.A, p.B, p.Tier, p.SamePlace, p.LocA, p.LocB})
			}
			slices.SortFunc(got, func(x, y found) int { return int(x.a-y.a)*1000 + int(x.b-y.b) })
			if !slices.Equal(got, tt.want) || idx.Total != int64(len(tt.want)) || idx.Matched(0) != idx.Total {
				t.Errorf("pairs %v (total %d, matched %d), want %v", got, idx.Total, idx.Matched(0), tt.want)
			}
		})
	}
}

// A pair carries the distance, the shared themes, the overlapping period,
// whether both are active on the day, and its score; the index counts it
// per pair of leads.
func TestPassPair(t *testing.T) {
	acts, locs := build([]act{
		{lead: 7, themes: 0b0111, lo: 50, hi: 150, locs: []loc{point(10, 0)}},
		{lead: 3, themes: 0b1110, lo: 100, hi: 300, locs: []loc{point(east(10, 10), 0)}},
		{lead: 7, themes: 0b0100, lo: 0, hi: 90, inactive: true, locs: []loc{point(east(10, 5), 0)}},
	})
	idx, err := Pass(context.Background(), acts, locs, Options{Day: 120, Keep: 10, MaxTier: geo.TierSameCountry, Distance: 25000})
	if err != nil {
		t.Fatal(err)
	}
	if len(idx.Top) != 1 {
		t.Fatalf("pairs %+v, want 2-3 only (1-3 share a lead, 2-3 no period)", idx.Top)
	}
	p := idx.Top[0]
	want := Pair{A: 1, B: 2, LocA: 101, LocB: 102, Tier: geo.TierNear, Themes: 0b0110, Lo: 100, Hi: 150, Active: true}
	x := 10.0 / 25
	want.Score = roundScore(45*(1-0.5*x*x) + 25*2.0/3 + 20*50.0/100 + 10)
	if math.Abs(p.Dist-10000) > 0.01 {
		t.Errorf("distance %v m, want 10000", p.Dist)
	}
	p.Dist = 0
	if p != want {
		t.Errorf("pair %+v\nwant %+v", p, want)
	}
	c := idx.Cells[[2]int64{3, 7}]
	if len(idx.Cells) != 1 || c == nil || c.N != 1 || c.Best != want.Score || c.Themes[1] != 1 || c.Themes[2] != 1 || c.Themes[0] != 0 {
		t.Errorf("cells %v", idx.Cells)
	}
	if idx.Hist[int(math.Round(want.Score*10))] != 1 || idx.Matched(want.Score) != 1 || idx.Matched(want.Score+0.1) != 0 {
		t.Errorf("histogram does not hold the score %v", want.Score)
	}
	cells := idx.MatrixCells([]string{"a", "b", "c", "d"})
	if len(cells) != 1 || cells[0].A != 3 || cells[0].B != 7 || !slices.Equal(cells[0].Themes, []geo.ThemeCount{{Code: "b", Count: 1}, {Code: "c", Count: 1}}) {
		t.Errorf("matrix cells %+v", cells)
	}
	// Not active on a day outside the period of one of them.
	idx, _ = Pass(context.Background(), acts, locs, Options{Day: 200, Keep: 10, MaxTier: geo.TierSameCountry, Distance: 25000})
	if idx.Top[0].Active || idx.Top[0].Score != roundScore(want.Score-10) {
		t.Errorf("on day 200: %+v", idx.Top[0])
	}
}

func TestPassStopsWithContext(t *testing.T) {
	acts, locs := build([]act{{lead: 1, locs: []loc{point(10, 0)}}, {lead: 2, locs: []loc{point(10, 0)}}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Pass(ctx, acts, locs, Options{Keep: 1, MaxTier: geo.TierSameCountry, Distance: 25000}); err != context.Canceled {
		t.Errorf("err %v, want context.Canceled", err)
	}
}

// synthetic is n activities of 50 leads in 400 cities and 40 countries,
// some country-wide, as the benchmark pairs them.
func synthetic(n int) ([]Activity, []Location) {
	r := rand.New(rand.NewPCG(1, 2))
	type city struct {
		lon, lat float64
		country  string
	}
	countries := make([]string, 40)
	for i := range countries {
		countries[i] = string(rune('A'+i/26)) + string(rune('A'+i%26))
	}
	cities := make([]city, 400)
	for i := range cities {
		cities[i] = city{r.Float64()*340 - 170, r.Float64()*120 - 60, countries[r.IntN(len(countries))]}
	}
	acts := make([]Activity, n)
	var locs []Location
	for i := range acts {
		a := &acts[i]
		a.ID, a.Lead = int64(i+1), int64(1+r.IntN(50))
		a.Lo = int32(23000 + r.IntN(5000))
		a.Hi = a.Lo + int32(200+r.IntN(2000))
		a.Active = r.IntN(2) == 0
		for k := 0; k < 1+r.IntN(3); k++ {
			a.Themes |= 1 << r.IntN(20)
		}
		for k := 0; k < 1+r.IntN(2); k++ {
			l := Location{Act: int32(i), ID: int64(len(locs) + 1)}
			if r.IntN(100) < 15 {
				l.Wide, l.Country = true, countries[r.IntN(len(countries))]
			} else {
				c := cities[r.IntN(len(cities))]
				lon, lat := c.lon+r.NormFloat64()*0.1, c.lat+r.NormFloat64()*0.1
				if r.IntN(2) == 0 {
					l.Place = int64(1000 + r.IntN(len(cities)))
				}
				l.Country = c.country
				l.X, l.Y, l.Z = UnitVector(lon, lat)
			}
			a.Locs = append(a.Locs, int32(len(locs)))
			locs = append(locs, l)
		}
	}
	return acts, locs
}

// BenchmarkPass is the pass of the overlap index (the best 10,000 kept)
// over 20,000 synthetic activities.
func BenchmarkPass(b *testing.B) {
	acts, locs := synthetic(20000)
	b.ReportAllocs()
	var total int64
	for b.Loop() {
		idx, err := Pass(context.Background(), acts, locs, Options{Day: 24000, Keep: 10000, MaxTier: geo.TierSameCountry, Distance: 25000})
		if err != nil {
			b.Fatal(err)
		}
		total = idx.Total
	}
	b.ReportMetric(float64(total), "pairs")
}
