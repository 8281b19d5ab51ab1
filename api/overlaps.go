package api

import (
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
)

// overlapParams are what /overlaps takes besides the shared filter.
var overlapParams = []string{"limit", "offset", "f", "min_score", "place_tier", "distance_km", "include_completed", "as_of"}

// overlapQuery parses an overlaps request.
func (p *params) overlapQuery() geo.OverlapQuery {
	q := geo.OverlapQuery{Filter: p.activityFilter(), Page: p.pageOf(nil)}
	if v := p.number("distance_km"); v != nil {
		if *v <= 0 {
			p.bad("distance_km", "must be more than 0")
		} else {
			q.DistanceKm = *v
		}
	}
	if v := p.number("min_score"); v != nil {
		q.MinScore = *v
	}
	if v := p.one("place_tier"); v != "" {
		t, err := geo.ParsePlaceTier(v)
		if err != nil {
			p.bad("place_tier", err.Error())
		}
		q.MaxTier = t
	}
	q.IncludeCompleted = p.boolean("include_completed")
	if v := p.one("as_of"); v != "" {
		d, err := time.Parse("2006-01-02", v)
		if err != nil || d.Year() < 1950 || d.Year() > 2100 {
			p.bad("as_of", "must be a date (YYYY-MM-DD) from 1950 to 2100")
		}
		q.AsOf = d
	}
	return q
}

// overlaps answers GET /overlaps and GET /organisations/{id}/overlaps:
// ranked pairs of activities of different members in the same place, on a
// shared theme, at the same time (geo/overlap.go), as JSON or, with
// f=geojson, a FeatureCollection with a feature per overlap.
func (s *server) overlaps(c *gin.Context) error {
	return s.listOverlaps(c, func(v geo.Viewer, q *geo.OverlapQuery) error {
		id := c.Param("id")
		if id == "" {
			return nil
		}
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n < 1 {
			return geo.Errorf(geo.ENotFound, "no organisation %q", id)
		}
		if _, err := s.store.Organisation(c.Request.Context(), v, n); err != nil {
			return err
		}
		q.Organisation = n
		return nil
	})
}

// activityOverlaps answers GET /activities/{id}/overlaps, "other members
// here": the overlaps one side of which is the activity. The filter
// parameters select the other sides; the activity itself need only be
// visible (an id that is not a positive number is a 400; an unknown
// activity, or one the viewer may not see, a 404).
func (s *server) activityOverlaps(c *gin.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return &geo.Error{Code: geo.EInvalid, Message: "invalid activity id",
			Fields: []geo.FieldError{{Parameter: "id", Detail: "must be a positive whole number"}}}
	}
	return s.listOverlaps(c, func(v geo.Viewer, q *geo.OverlapQuery) error {
		if _, err := s.store.Activity(c.Request.Context(), v, id); err != nil {
			return err
		}
		q.Activity = id
		return nil
	})
}

// listOverlaps answers an overlaps list whose query scope completes
// (after the parameters are checked) for the viewer.
func (s *server) listOverlaps(c *gin.Context, scope func(v geo.Viewer, q *geo.OverlapQuery) error) error {
	p, err := parseParams(c, filterParams, overlapParams)
	if err != nil {
		return err
	}
	q := p.overlapQuery()
	geojson := p.geoJSON(c)
	if err := p.err(); err != nil {
		return err
	}
	if err := q.Validate(); err != nil {
		return err
	}
	v := viewerOf(c)
	if err := scope(v, &q); err != nil {
		return err
	}
	page, err := s.store.Overlaps(c.Request.Context(), v, q)
	if err != nil {
		return err
	}
	items := make([]overlapDoc, len(page.Overlaps))
	for i, o := range page.Overlaps {
		items[i] = newOverlapDoc(c, o, geojson)
	}
	links := listLinks(c, p, q.Page, len(items), page.NumberMatched, geojson)
	if geojson {
		return writeFeatures(c, links, page.NumberMatched, items, func(i int) (string, geometry) {
			o := page.Overlaps[i]
			return strconv.FormatInt(o.A.ID, 10) + "-" + strconv.FormatInt(o.B.ID, 10), overlapGeometry(o)
		})
	}
	return writeJSON(c, mediaJSON, overlapList{Links: links, NumberMatched: page.NumberMatched,
		NumberReturned: len(items), Overlaps: items})
}

// geoJSON reads f (json or geojson; without it, Accept), for the overlap
// endpoints whose JSON is not GeoJSON.
func (p *params) geoJSON(c *gin.Context) bool {
	switch f := p.one("f"); f {
	case "":
		return c.NegotiateFormat(gin.MIMEJSON, mediaGeoJSON) == mediaGeoJSON
	case "json", "geojson":
		return f == "geojson"
	default:
		p.bad("f", "must be json or geojson")
		return false
	}
}

// overlapMatrix answers GET /overlaps/matrix: overlaps counted per pair of
// lead organisations, with the shared themes, for a heatmap.
func (s *server) overlapMatrix(c *gin.Context) error {
	p, err := parseParams(c, filterParams, []string{"f", "min_score", "place_tier", "distance_km", "include_completed", "as_of"})
	if err != nil {
		return err
	}
	q := p.overlapQuery()
	if f := p.one("f"); f != "" && f != "json" {
		p.bad("f", "must be json")
	}
	if err := p.err(); err != nil {
		return err
	}
	if err := q.Validate(); err != nil {
		return err
	}
	m, err := s.store.OverlapMatrix(c.Request.Context(), viewerOf(c), q)
	if err != nil {
		return err
	}
	return writeJSON(c, mediaJSON, newMatrixDoc(m))
}

// hotspots answers GET /overlaps/hotspots: places where min_members (3) or
// more members work on one theme at the same time, with the members and
// activities; f=geojson gives a feature per hotspot at the place.
func (s *server) hotspots(c *gin.Context) error {
	p, err := parseParams(c, filterParams, []string{"limit", "offset", "f", "min_members", "include_completed"})
	if err != nil {
		return err
	}
	q := geo.HotspotQuery{Filter: p.activityFilter(), Page: p.pageOf(nil)}
	if v := p.one("min_members"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			p.bad("min_members", "must be a whole number")
		}
		q.MinMembers = n
	}
	q.IncludeCompleted = p.boolean("include_completed")
	geojson := p.geoJSON(c)
	if err := p.err(); err != nil {
		return err
	}
	if err := q.Validate(); err != nil {
		return err
	}
	page, err := s.store.Hotspots(c.Request.Context(), viewerOf(c), q)
	if err != nil {
		return err
	}
	items := make([]hotspotDoc, len(page.Hotspots))
	for i, h := range page.Hotspots {
		items[i] = newHotspotDoc(c, h, geojson)
	}
	links := listLinks(c, p, q.Page, len(items), page.NumberMatched, geojson)
	if geojson {
		return writeFeatures(c, links, page.NumberMatched, items, func(i int) (string, geometry) {
			h := page.Hotspots[i]
			return strconv.FormatInt(h.PlaceID, 10) + "-" + h.Theme, pointGeometry(h.Point)
		})
	}
	return writeJSON(c, mediaJSON, hotspotList{Hotspots: items, Links: links, NumberMatched: page.NumberMatched,
		NumberReturned: len(items)})
}
