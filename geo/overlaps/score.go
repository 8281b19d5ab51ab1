package overlaps

import (
	"math"
	"math/bits"
	"strconv"
	"strings"

	"github.com/commonground/commonground/geo"
)

// sphereRadius is PostGIS's sphere (the WGS84 mean radius), which
// ST_DWithin and ST_Distance use with use_spheroid false.
const sphereRadius = 6371008.771415059

// UnitVector is the point at lon, lat (degrees) on the unit sphere, as
// Location's X, Y, Z want it.
func UnitVector(lon, lat float64) (x, y, z float64) {
	φ, λ := lat*math.Pi/180, lon*math.Pi/180
	return math.Cos(φ) * math.Cos(λ), math.Cos(φ) * math.Sin(λ), math.Sin(φ)
}

// arcDistance is the great-circle distance in metres on PostGIS's sphere.
func arcDistance(a, b *Location) float64 {
	dx, dy, dz := a.X-b.X, a.Y-b.Y, a.Z-b.Z
	c := math.Sqrt(dx*dx + dy*dy + dz*dz)
	return 2 * sphereRadius * math.Asin(math.Min(1, c/2))
}

// overlapScore is the score of geo/overlap.go for the pair p of a and b,
// with the near distance d in metres.
func overlapScore(p Pair, a, b *Activity, d float64) float64 {
	var place float64
	switch p.Tier {
	case geo.TierNear:
		x := math.Min(p.Dist, d) / d
		place = 1 - 0.5*x*x
		if p.SamePlace {
			place = math.Max(place, 0.75)
		}
	case geo.TierInCountry:
		place = 0.35
	default:
		place = 0.2
	}
	na, nb := bits.OnesCount64(a.Themes), bits.OnesCount64(b.Themes)
	theme := float64(bits.OnesCount64(p.Themes)) / float64(max(na, nb, 2))
	length := func(lo, hi int32) int32 { return min(hi, DayMax) - max(lo, 0) }
	share := float64(length(p.Lo, p.Hi)) / float64(max(1, min(length(a.Lo, a.Hi), length(b.Lo, b.Hi))))
	score := 45*place + 25*theme + 20*share
	if p.Active {
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
