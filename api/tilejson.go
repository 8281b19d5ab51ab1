package api

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
)

// vectorLayers describes each tile layer for TileJSON's vector_layers.
var vectorLayers = map[string]map[string]any{
	geo.LayerActivities: {
		"id": geo.LayerActivities, "minzoom": geo.ClusterMaxZoom + 1, "maxzoom": geo.MaxZoom,
		"description": "One feature per activity location; the feature id is the activity id, as in GeoJSON. A tile with too many locations comes as clusters instead.",
		"fields": map[string]string{"title": "String", "status": "String", "precision": "String", "kind": "String",
			"country": "String", "organisation": "String (lead)", "constituency": "String (lead)", "themes": "String (comma-separated codes)"},
	},
	geo.LayerClusters: {
		"id": geo.LayerClusters, "minzoom": 0, "maxzoom": geo.ClusterMaxZoom,
		"description": "Locations aggregated on a 16x16 grid per tile, with the extent to zoom to.",
		"fields": map[string]string{"count": "Number (locations)", "activities": "Number", "organisations": "Number (distinct lead organisations)",
			"top_themes": "String (up to 3, most frequent first)", "top_constituencies": "String (up to 3)",
			"west": "Number", "south": "Number", "east": "Number", "north": "Number"},
	},
	geo.LayerBasemap: {"id": geo.LayerBasemap, "minzoom": 0, "maxzoom": geo.MaxZoom}, // listed as basemapVectorLayers
	geo.LayerCountries: {
		"id": geo.LayerCountries, "minzoom": 0, "maxzoom": geo.MaxZoom,
		"description": "Country outlines (Natural Earth) simplified to about a pixel, with the filtered activity count and distinct member organisations.",
		"fields": map[string]string{"iso_a2": "String", "name": "String", "region_code": "String",
			"activity_count": "Number", "member_count": "Number"},
	},
}

// basemapVectorLayers are the four MVT layers a basemap tile holds, each
// listed by its own id: MapLibre checks a style layer's source-layer
// against these.
var basemapVectorLayers = []map[string]any{
	{"id": "land", "minzoom": 0, "maxzoom": geo.MaxZoom,
		"description": "Country polygons (Natural Earth), simplified to about a pixel.",
		"fields":      map[string]string{"iso_a2": "String"}},
	{"id": "boundaries", "minzoom": 0, "maxzoom": geo.MaxZoom,
		"description": "Country outlines (Natural Earth).",
		"fields":      map[string]string{"iso_a2": "String"}},
	{"id": "country_labels", "minzoom": 0, "maxzoom": geo.MaxZoom,
		"description": "A point inside each country to write its name at.",
		"fields":      map[string]string{"iso_a2": "String", "name": "String"}},
	{"id": "places", "minzoom": 0, "maxzoom": geo.MaxZoom,
		"description": "GeoNames places, the most populous above a floor that falls with the zoom, at most 200 per tile.",
		"fields":      map[string]string{"name": "String", "country": "String", "population": "Number", "feature_code": "String"}},
}

// tilejson answers /tiles/{layers}.json: TileJSON 3.0.0 whose tile URL
// carries the request's filters and the data version.
func (s *server) tilejson(c *gin.Context) error {
	name, ok := strings.CutSuffix(c.Param("layers"), ".json")
	if !ok {
		return geo.Errorf(geo.ENotFound, "TileJSON is at /tiles/{layers}.json")
	}
	layers, err := parseLayers(name)
	if err != nil {
		return err
	}
	p, err := parseParams(c, filterParams, tileParams)
	if err != nil {
		return err
	}
	p.activityFilter()
	if err := p.err(); err != nil {
		return err
	}
	q := url.Values{}
	for k, v := range p.q {
		q[k] = v
	}
	q.Set("v", strconv.FormatInt(c.GetInt64(dataVersionKey), 10))
	var vls []map[string]any
	minzoom, maxzoom := geo.MaxZoom, 0
	for _, l := range layers {
		vl := vectorLayers[l]
		if l == geo.LayerBasemap {
			vls = append(vls, basemapVectorLayers...)
		} else {
			vls = append(vls, vl)
		}
		minzoom, maxzoom = min(minzoom, vl["minzoom"].(int)), max(maxzoom, vl["maxzoom"].(int))
	}
	return writeJSON(c, mediaJSON, map[string]any{
		"tilejson":      "3.0.0",
		"name":          "CommonGround " + name,
		"description":   "CommonGround vector tiles: " + name,
		"attribution":   "© Natural Earth (public domain); GeoNames (CC BY 4.0); CommonGround members",
		"scheme":        "xyz",
		"tiles":         []string{abs(c, "/tiles/"+name+"/{z}/{x}/{y}.mvt") + "?" + q.Encode()},
		"minzoom":       minzoom,
		"maxzoom":       maxzoom,
		"bounds":        []float64{-180, -85.0511, 180, 85.0511},
		"center":        []float64{15, 15, 2},
		"vector_layers": vls,
	})
}
