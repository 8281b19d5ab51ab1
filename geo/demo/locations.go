package demo

import (
	"math"

	"github.com/commonground/commonground/geo"
	"github.com/paulmach/orb"
)

// locClass is the location pattern of an activity.
type locClass int

// Location patterns: one city-level place, one exact point near a city, one
// whole country, one drawn neighbourhood shape, or 2-5 locations mixing them.
const (
	classCity locClass = iota
	classPoint
	classCountry
	classShape
	classMulti
	numClasses
)

// classShares are the percentages of activities per location pattern.
var classShares = [numClasses]int{35, 30, 15, 5, 15}

// Distances from the city, in km.
const (
	pointRadiusKm   = 7.5 // exact points lie within this of their city
	overlapRadiusKm = 1.8 // points of overlap pairs lie within this (< 2 km)
	shapeCentreKm   = 1.5 // a shape's centre lies within this of its city
	kmPerDegree     = 111.32
)

// placed is a location with the place name a title uses for it.
type placed struct {
	loc   geo.Location
	label string
}

// locations returns the locations of a new activity of pattern class,
// restricted to country cc when it is not empty.
func (g *generator) locations(class locClass, cc string) []placed {
	pool := g.all
	if cc != "" {
		pool = g.byCountry[cc]
	}
	switch class {
	case classCity:
		return []placed{g.cityLoc(g.pickCity(pool, nil))}
	case classPoint:
		return []placed{g.pointLoc(g.pickCity(pool, nil), pointRadiusKm)}
	case classShape:
		return []placed{g.shapeLoc(g.pickCity(pool, nil))}
	case classCountry:
		return []placed{countryLoc(g.cities[pool[g.r.IntN(len(pool))]].CountryCode)}
	}
	if cc == "" && g.r.IntN(2) == 0 {
		pool = g.byCountry[g.cities[g.r.IntN(len(g.cities))].CountryCode]
	}
	return g.multi(pool)
}

// multi returns 2-5 locations in the cities of pool, mixing kinds; a country
// appears at most once, a city at most once.
func (g *generator) multi(pool []int) []placed {
	n := 2 + g.r.IntN(4)
	var out []placed
	taken := map[int]bool{}
	countries := map[string]bool{}
	for range n {
		kind := []locClass{classCity, classPoint, classShape, classCountry}[pickWeighted(g.r, []int{40, 35, 10, 15})]
		if cc := g.cities[pool[g.r.IntN(len(pool))]].CountryCode; kind == classCountry && !countries[cc] {
			countries[cc] = true
			out = append(out, countryLoc(cc))
			continue
		}
		if len(taken) == len(pool) {
			break
		}
		ci := g.pickCity(pool, taken)
		taken[ci] = true
		switch kind {
		case classPoint:
			out = append(out, g.pointLoc(ci, pointRadiusKm))
		case classShape:
			out = append(out, g.shapeLoc(ci))
		default:
			out = append(out, g.cityLoc(ci))
		}
	}
	if len(out) < 2 {
		out = append(out, g.pointLoc(pool[0], pointRadiusKm))
	}
	return out
}

// pickCity picks a city of pool not in exclude, preferring (six times in ten)
// a city no activity uses yet and otherwise leaning towards the earlier,
// larger cities. It counts the city as used.
func (g *generator) pickCity(pool []int, exclude map[int]bool) int {
	var free, unused []int
	for _, ci := range pool {
		if exclude[ci] {
			continue
		}
		free = append(free, ci)
		if g.used[ci] == 0 {
			unused = append(unused, ci)
		}
	}
	var ci int
	if len(unused) > 0 && g.r.IntN(10) < 6 {
		ci = unused[g.r.IntN(len(unused))]
	} else {
		ci = free[min(g.r.IntN(len(free)), g.r.IntN(len(free)))]
	}
	g.used[ci]++
	return ci
}

// cityLoc is the city-level location of city ci.
func (g *generator) cityLoc(ci int) placed {
	c := g.cities[ci]
	return placed{geo.Location{
		Kind: geo.KindPlace, Precision: geo.PrecisionCity, Name: c.Name,
		CountryCode: c.CountryCode, PlaceID: c.ID, Geometry: c.Point,
	}, c.Name}
}

// pointLoc is an exact point within maxKm of city ci, rounded to 5 decimals.
func (g *generator) pointLoc(ci int, maxKm float64) placed {
	c := g.cities[ci]
	d, a := maxKm*math.Sqrt(g.r.Float64()), 2*math.Pi*g.r.Float64()
	p := roundPoint(offset(c.Point, d*math.Cos(a), d*math.Sin(a)))
	return placed{geo.Location{
		Kind: geo.KindPoint, Precision: geo.PrecisionExact,
		Name:        siteNames[g.r.IntN(len(siteNames))] + ", " + c.Name,
		CountryCode: c.CountryCode, Geometry: p,
	}, c.Name}
}

// shapeLoc is a drawn neighbourhood near city ci: a star-shaped polygon of
// 5-8 vertices with a counter-clockwise closed ring, within about 3 km of the
// city. Vertex angles around the centre strictly increase, so the ring never
// crosses itself.
func (g *generator) shapeLoc(ci int) placed {
	c := g.cities[ci]
	d, a := shapeCentreKm*math.Sqrt(g.r.Float64()), 2*math.Pi*g.r.Float64()
	centre := offset(c.Point, d*math.Cos(a), d*math.Sin(a))
	n := 5 + g.r.IntN(4)
	radius := 0.3 + 0.9*g.r.Float64()
	step := 2 * math.Pi / float64(n)
	first := step * g.r.Float64()
	ring := make(orb.Ring, 0, n+1)
	for i := range n {
		a := first + float64(i)*step + (g.r.Float64()-0.5)*0.5*step
		r := radius * (0.7 + 0.6*g.r.Float64())
		ring = append(ring, roundPoint(offset(centre, r*math.Cos(a), r*math.Sin(a))))
	}
	ring = append(ring, ring[0])
	return placed{geo.Location{
		Kind: geo.KindShape, Precision: geo.PrecisionApproximate,
		Name:        shapeNames[g.r.IntN(len(shapeNames))] + ", " + c.Name,
		CountryCode: c.CountryCode, Geometry: orb.Polygon{ring},
	}, c.Name}
}

// countryLoc is the country-level location of country cc; it carries no
// geometry.
func countryLoc(cc string) placed {
	return placed{geo.Location{
		Kind: geo.KindCountry, Precision: geo.PrecisionCountry, Name: countryLabel(cc), CountryCode: cc,
	}, countryName(cc)}
}

// offset moves p by dx km east and dy km north, clamped to the valid range.
func offset(p orb.Point, dxKm, dyKm float64) orb.Point {
	lat := p.Lat() + dyKm/kmPerDegree
	cos := math.Max(math.Cos(lat*math.Pi/180), 0.05)
	lon := p.Lon() + dxKm/(kmPerDegree*cos)
	return orb.Point{math.Max(-180, math.Min(180, lon)), math.Max(-90, math.Min(90, lat))}
}

// roundPoint rounds both coordinates to 5 decimals (about 1 m).
func roundPoint(p orb.Point) orb.Point {
	return orb.Point{math.Round(p[0]*1e5) / 1e5, math.Round(p[1]*1e5) / 1e5}
}
