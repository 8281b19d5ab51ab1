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
	items := make([]map[string]any, len(page.Overlaps))
	for i, o := range page.Overlaps {
		items[i] = s.overlapJSON(c, o, geojson)
	}
	return writeList(c, p, q.Page, page.NumberMatched, "overlaps", items, geojson, func(i int) (string, map[string]any) {
		o := page.Overlaps[i]
		return strconv.FormatInt(o.A.ID, 10) + "-" + strconv.FormatInt(o.B.ID, 10), overlapGeometry(o)
	})
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

// writeList writes one page of items under key with numberMatched,
// numberReturned and page links, or, for GeoJSON, as a FeatureCollection
// whose feature i has the id and geometry feature gives.
func writeList(c *gin.Context, p *params, pg geo.Page, matched int64, key string, items []map[string]any,
	geojson bool, feature func(i int) (string, map[string]any)) error {
	media := mediaJSON
	if geojson {
		media = mediaGeoJSON
	}
	links := pageLinks(c, p.q, pg, len(items), matched)
	for i := range links {
		links[i].Type = media
	}
	if !geojson {
		return writeJSON(c, mediaJSON, map[string]any{"numberMatched": matched, "numberReturned": len(items),
			"links": links, key: items})
	}
	features := make([]map[string]any, len(items))
	for i := range items {
		id, geometry := feature(i)
		features[i] = map[string]any{"type": "Feature", "id": id, "geometry": geometry, "properties": items[i]}
	}
	return writeJSON(c, mediaGeoJSON, map[string]any{"type": "FeatureCollection", "numberMatched": matched,
		"numberReturned": len(features), "timeStamp": nowRFC3339(), "links": links, "features": features})
}

// overlapGeometry is the line between the two locations, or the point
// where they coincide.
func overlapGeometry(o geo.Overlap) map[string]any {
	a, b := []float64{o.A.Point[0], o.A.Point[1]}, []float64{o.B.Point[0], o.B.Point[1]}
	if o.A.Point.Equal(o.B.Point) {
		return map[string]any{"type": "Point", "coordinates": a}
	}
	return map[string]any{"type": "LineString", "coordinates": [][]float64{a, b}}
}

func (s *server) overlapJSON(c *gin.Context, o geo.Overlap, geojson bool) map[string]any {
	side := func(x geo.OverlapSide) map[string]any {
		m := map[string]any{
			"id": x.ID, "title": x.Title, "status": x.Status, "start_date": dateOrNull(x.Start), "end_date": dateOrNull(x.End),
			"organisation": map[string]any{"id": x.OrganisationID, "name": x.Organisation, "constituency": x.Constituency},
			"location":     x.Location, "country_wide": x.CountryWide,
			"href": abs(c, "/collections/activities/items/"+strconv.FormatInt(x.ID, 10)),
		}
		if !geojson {
			m["point"] = []float64{x.Point[0], x.Point[1]}
		}
		return m
	}
	out := map[string]any{
		"score": o.Score, "place_tier": o.Tier.String(), "place": o.Place, "country": o.CountryCode,
		"themes": o.Themes, "theme_names": o.ThemeNames,
		"period":     map[string]any{"start": dateOrNull(o.From), "end": dateOrNull(o.To)},
		"active_now": o.ActiveNow, "reason": o.Reason(), "reasons": o.Reasons(),
		"a": side(o.A), "b": side(o.B),
	}
	if o.Tier == geo.TierNear {
		out["distance_km"] = float64(int(o.DistanceKm*100+0.5)) / 100
		out["same_place"] = o.SamePlace
	}
	return out
}

func dateOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format("2006-01-02")
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
	orgs := make([]map[string]any, len(m.Organisations))
	for i, o := range m.Organisations {
		orgs[i] = map[string]any{"id": o.ID, "name": o.Name, "constituency": o.Constituency}
	}
	cells := make([]map[string]any, len(m.Cells))
	for i, cell := range m.Cells {
		themes := make([]map[string]any, len(cell.Themes))
		for j, t := range cell.Themes {
			themes[j] = map[string]any{"code": t.Code, "overlaps": t.Count}
		}
		cells[i] = map[string]any{"a": cell.A, "b": cell.B, "overlaps": cell.Overlaps, "best_score": cell.BestScore, "themes": themes}
	}
	return writeJSON(c, mediaJSON, map[string]any{"overlaps": m.Overlaps, "organisations": orgs, "cells": cells})
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
	items := make([]map[string]any, len(page.Hotspots))
	for i, h := range page.Hotspots {
		members := make([]map[string]any, len(h.Members))
		for j, o := range h.Members {
			members[j] = map[string]any{"id": o.ID, "name": o.Name, "constituency": o.Constituency}
		}
		acts := make([]map[string]any, len(h.Activities))
		for j, a := range h.Activities {
			acts[j] = map[string]any{"id": a.ID, "title": a.Title, "organisation": a.OrganisationID,
				"href": abs(c, "/collections/activities/items/"+strconv.FormatInt(a.ID, 10))}
		}
		items[i] = map[string]any{"place_id": h.PlaceID, "place": h.Place, "country": h.CountryCode, "theme": h.Theme,
			"theme_name": h.ThemeName, "day": dateOrNull(h.Day), "member_count": len(h.Members), "members": members, "activities": acts}
		if !geojson {
			items[i]["point"] = []float64{h.Point[0], h.Point[1]}
		}
	}
	return writeList(c, p, q.Page, page.NumberMatched, "hotspots", items, geojson, func(i int) (string, map[string]any) {
		h := page.Hotspots[i]
		return strconv.FormatInt(h.PlaceID, 10) + "-" + h.Theme,
			map[string]any{"type": "Point", "coordinates": []float64{h.Point[0], h.Point[1]}}
	})
}
