package overlaps

import (
	"math"
	"testing"

	"github.com/commonground/commonground/geo"
)

func TestRoundScore(t *testing.T) {
	for _, tt := range []struct {
		name string
		x    float64
		want float64
	}{
		{"zero", 0, 0},
		{"a whole number", 100, 100},
		{"a half rounds away from zero", 66.25, 66.3},
		{"below a half", 66.2499, 66.2},
		{"a decimal half stored below it (1.45 is 1.4499...)", 1.45, 1.5},
		{"a decimal half stored above it", 0.15, 0.2},
		{"a tenth stays", 87.5, 87.5},
		{"noise past 15 digits", 41.49999999999999, 41.5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := roundScore(tt.x); got != tt.want {
				t.Errorf("roundScore(%v) = %v, want %v", tt.x, got, tt.want)
			}
		})
	}
}

func TestOverlapScore(t *testing.T) {
	const d = 25000
	one := &Activity{Themes: 0b1, Lo: 0, Hi: 100}
	for _, tt := range []struct {
		name string
		p    Pair
		a, b *Activity
		want float64
	}{
		{"near at one spot, one theme, same period, active",
			Pair{Tier: geo.TierNear, Themes: 0b1, Lo: 0, Hi: 100, Active: true}, one, one, 45 + 12.5 + 20 + 10},
		{"near at the distance limit", Pair{Tier: geo.TierNear, Dist: d, Themes: 0b1, Lo: 0, Hi: 100}, one, one, 22.5 + 12.5 + 20},
		{"beyond the limit counts as at it (same place)", Pair{Tier: geo.TierNear, Dist: 2 * d, Themes: 0b1, Lo: 0, Hi: 100}, one, one, 22.5 + 12.5 + 20},
		{"same place at the limit", Pair{Tier: geo.TierNear, Dist: d, SamePlace: true, Themes: 0b1, Lo: 0, Hi: 100}, one, one, 66.3},
		{"same place nearby takes the distance", Pair{Tier: geo.TierNear, Dist: 0, SamePlace: true, Themes: 0b1, Lo: 0, Hi: 100}, one, one, 77.5},
		{"in country", Pair{Tier: geo.TierInCountry, Themes: 0b1, Lo: 0, Hi: 100}, one, one, 48.3},
		{"same country", Pair{Tier: geo.TierSameCountry, Themes: 0b1, Lo: 0, Hi: 100}, one, one, 41.5},
		{"two of three themes", Pair{Tier: geo.TierSameCountry, Themes: 0b11, Lo: 0, Hi: 100},
			&Activity{Themes: 0b111, Lo: 0, Hi: 100}, &Activity{Themes: 0b11, Lo: 0, Hi: 100}, roundScore(9 + 25*2.0/3 + 20)},
		{"half the shorter period", Pair{Tier: geo.TierSameCountry, Themes: 0b1, Lo: 50, Hi: 100},
			one, &Activity{Themes: 0b1, Lo: 50, Hi: 250}, 9 + 12.5 + 10},
		{"open ends clamp to 1950 and 2101", Pair{Tier: geo.TierSameCountry, Themes: 0b1, Lo: 0, Hi: DayMax / 2},
			&Activity{Themes: 0b1, Lo: OpenStart, Hi: OpenEnd}, &Activity{Themes: 0b1, Lo: OpenStart, Hi: DayMax / 2}, 9 + 12.5 + 20},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := overlapScore(tt.p, tt.a, tt.b, d); got != tt.want {
				t.Errorf("score %v, want %v", got, tt.want)
			}
		})
	}
}

// east is the longitude km east of lon along the equator on PostGIS's sphere.
func east(lon, km float64) float64 { return lon + km*1000/sphereRadius*180/math.Pi }

func TestArcDistance(t *testing.T) {
	at := func(lon, lat float64) *Location {
		var l Location
		l.X, l.Y, l.Z = UnitVector(lon, lat)
		return &l
	}
	for _, tt := range []struct {
		name string
		a, b *Location
		want float64 // metres
	}{
		{"one point", at(36.8, -1.3), at(36.8, -1.3), 0},
		{"24 km along the equator", at(10, 0), at(east(10, 24), 0), 24000},
		{"across the antimeridian", at(179.95, 0), at(-179.95, 0), 0.1 * math.Pi / 180 * sphereRadius},
		{"pole to pole", at(0, 90), at(0, -90), math.Pi * sphereRadius},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := arcDistance(tt.a, tt.b); math.Abs(got-tt.want) > 0.01 {
				t.Errorf("%.3f m, want %.3f", got, tt.want)
			}
		})
	}
}
