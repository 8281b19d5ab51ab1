package geo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// CheckLonLat reports the first coordinate of g that is not a finite
// [lon, lat] within [-180, 180] x [-90, 90], and rings that are not closed or
// have fewer than four points. It returns nil for nil.
func CheckLonLat(g orb.Geometry) error {
	switch g := g.(type) {
	case nil:
		return nil
	case orb.Point:
		return checkPoint(g)
	case orb.MultiPoint:
		return checkPoints(g)
	case orb.LineString:
		return checkPoints(g)
	case orb.MultiLineString:
		for _, ls := range g {
			if err := checkPoints(ls); err != nil {
				return err
			}
		}
	case orb.Ring:
		return checkRing(g)
	case orb.Polygon:
		for _, r := range g {
			if err := checkRing(r); err != nil {
				return err
			}
		}
	case orb.MultiPolygon:
		for _, p := range g {
			if err := CheckLonLat(p); err != nil {
				return err
			}
		}
	case orb.Collection:
		for _, c := range g {
			if err := CheckLonLat(c); err != nil {
				return err
			}
		}
	case orb.Bound:
		return checkPoints([]orb.Point{g.Min, g.Max})
	default:
		return fmt.Errorf("unsupported geometry %T", g)
	}
	return nil
}

func checkPoint(p orb.Point) error {
	lon, lat := p[0], p[1]
	if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		return fmt.Errorf("coordinate [%v, %v] is outside [-180, 180] x [-90, 90]", lon, lat)
	}
	return nil
}

func checkPoints(ps []orb.Point) error {
	for _, p := range ps {
		if err := checkPoint(p); err != nil {
			return err
		}
	}
	return nil
}

func checkRing(r orb.Ring) error {
	if len(r) < 4 {
		return fmt.Errorf("ring of %d points: a ring needs at least 4", len(r))
	}
	if r[0] != r[len(r)-1] {
		return fmt.Errorf("ring is not closed: starts at %v, ends at %v", r[0], r[len(r)-1])
	}
	return checkPoints(r)
}
