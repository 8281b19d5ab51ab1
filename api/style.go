package api

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/internal/glyphs"
)

// The default style's two sources, both CommonGround's own vector tiles
// through their TileJSON: the data layers, which take the filters, and the
// basemap, which does not depend on them (so filtering the map does not
// reload it).
const (
	styleSource   = "commonground"
	basemapSource = "basemap"
)

// styleLayers are the tile layers of the data source.
var styleLayers = []string{geo.LayerCountries, geo.LayerClusters, geo.LayerActivities}

// glyphsPath is the style's glyphs URL template (MapLibre fills in
// {fontstack} and {range}); fontsRoute serves it.
const glyphsPath = "/fonts/{fontstack}/{range}.pbf"

// Colours of the default style.
const (
	colourOcean    = "#cfe3ef"
	colourLand     = "#f4f1e8"
	colourBorder   = "#9aa7b1"
	colourCluster  = "#3b5b92"
	colourLabel    = "#3d4448"
	colourPlace    = "#22282b"
	colourHalo     = "#ffffff"
	colourFallback = "#7f7f7f" // an activity without a lead constituency
)

// constituencyColours gives each constituency a distinct colour (a test
// checks that every geo.Constituencies code has one and that none repeats).
var constituencyColours = map[geo.Constituency]string{
	geo.Multilateral:          "#1f77b4",
	geo.NationalGovernment:    "#d62728",
	geo.LocalGovernmentAssoc:  "#ff7f0e",
	geo.SlumDwellerFederation: "#9467bd",
	geo.CivilSociety:          "#2ca02c",
	geo.Foundation:            "#e377c2",
	geo.PrivateSector:         "#8c564b",
	geo.Research:              "#17becf",
}

// countryRamp is the choropleth on activity_count, light to dark: stops of
// count and colour.
var countryRamp = []any{
	0, colourLand,
	1, "#e3efe9",
	5, "#b9dccd",
	20, "#84bfae",
	50, "#4f9a8e",
	150, "#2a6f6c",
}

// style answers /style.json: a MapLibre style (v8) over CommonGround's own
// vector tiles and glyphs only. The filters of the request go on to the
// data source's TileJSON URL, so /style.json?theme=resilience draws the
// filtered map; the basemap source never carries them. It has no sprite:
// labels are text only.
func (s *server) style(c *gin.Context) error {
	q, err := filterQuery(c)
	if err != nil {
		return err
	}
	tilejson := abs(c, "/tiles/"+strings.Join(styleLayers, ",")+".json")
	if len(q) > 0 {
		tilejson += "?" + q.Encode()
	}
	return writeJSON(c, mediaJSON, defaultStyle(tilejson, abs(c, "/tiles/"+geo.LayerBasemap+".json"), abs(c, glyphsPath)))
}

// defaultStyle builds the style with the data source at tilejsonURL, the
// basemap source at basemapURL and glyphs from glyphsURL.
func defaultStyle(tilejsonURL, basemapURL, glyphsURL string) map[string]any {
	count := []any{"to-number", []any{"get", "count"}, 1}
	return map[string]any{
		"version": 8,
		"name":    "CommonGround",
		"metadata": map[string]any{
			"commonground:description": "Where the alliance's members work: countries shaded by activity count and named from the basemap, places named from zoom 4, clusters sized and labelled by locations, activities coloured by the lead organisation's constituency. Labels use the Go fonts from this server.",
		},
		"center": []float64{15, 15},
		"zoom":   2,
		"glyphs": glyphsURL,
		"sources": map[string]any{
			styleSource:   map[string]any{"type": "vector", "url": tilejsonURL},
			basemapSource: map[string]any{"type": "vector", "url": basemapURL},
		},
		"layers": []any{
			map[string]any{"id": "background", "type": "background",
				"paint": map[string]any{"background-color": colourOcean}},
			map[string]any{"id": "countries-fill", "type": "fill", "source": styleSource, "source-layer": geo.LayerCountries,
				"paint": map[string]any{
					"fill-color": append([]any{"interpolate", []any{"linear"},
						[]any{"to-number", []any{"get", "activity_count"}, 0}}, countryRamp...),
				}},
			map[string]any{"id": "countries-line", "type": "line", "source": styleSource, "source-layer": geo.LayerCountries,
				"paint": map[string]any{
					"line-color": colourBorder,
					"line-width": []any{"interpolate", []any{"linear"}, []any{"zoom"}, 1, 0.5, 6, 1.2},
				}},
			countryLabels(),
			placeLabels(),
			map[string]any{"id": "clusters", "type": "circle", "source": styleSource, "source-layer": geo.LayerClusters,
				"paint": map[string]any{
					"circle-color":        colourCluster,
					"circle-opacity":      0.7,
					"circle-radius":       []any{"interpolate", []any{"linear"}, count, 1, 5, 10, 9, 100, 15, 1000, 24, 10000, 36},
					"circle-stroke-color": "#ffffff",
					"circle-stroke-width": 1.5,
				}},
			clusterCounts(count),
			activityPoints(),
		},
	}
}

// activityPoints draws the activities layer from its first zoom, a circle
// per location coloured by the lead's constituency, fainter and thinner
// the vaguer the location.
func activityPoints() map[string]any {
	match := []any{"match", []any{"get", "constituency"}}
	for _, k := range geo.Constituencies {
		match = append(match, string(k), constituencyColours[k])
	}
	match = append(match, colourFallback)
	byPrecision := func(exact, approximate, vague any) []any {
		return []any{"match", []any{"get", "precision"},
			string(geo.PrecisionExact), exact,
			string(geo.PrecisionApproximate), approximate,
			vague}
	}
	return map[string]any{"id": "activities", "type": "circle", "source": styleSource, "source-layer": geo.LayerActivities,
		"minzoom": geo.ActivitiesMinZoom,
		"paint": map[string]any{
			"circle-color":          match,
			"circle-radius":         []any{"interpolate", []any{"linear"}, []any{"zoom"}, geo.ActivitiesMinZoom, 4, 14, 7, 18, 10},
			"circle-opacity":        byPrecision(0.95, 0.85, 0.7),
			"circle-stroke-color":   "#ffffff",
			"circle-stroke-width":   byPrecision(2, 1.5, 1),
			"circle-stroke-opacity": byPrecision(1, 0.8, 0.4),
		}}
}

// textPaint is dark text with a white halo, legible on any fill.
func textPaint(colour string, halo float64) map[string]any {
	return map[string]any{"text-color": colour, "text-halo-color": colourHalo, "text-halo-width": halo, "text-halo-blur": 0.5}
}

// labelAnchors are where a name may go round its point: on it, else below,
// above, right or left of it, clear of a small cluster circle there (the
// cluster counts are placed first and block the names they overlap).
var labelAnchors = []string{"center", "top", "bottom", "left", "right"}

// countryLabels names the countries at their label points, from zoom 2,
// growing with the zoom. Country-wide activities are drawn at the same
// points, so the names often move aside (labelAnchors).
func countryLabels() map[string]any {
	return map[string]any{"id": "country-labels", "type": "symbol", "source": basemapSource, "source-layer": geo.LayerCountryLabels,
		"minzoom": 2,
		"layout": map[string]any{
			"text-field":           []any{"get", "name"},
			"text-font":            []string{glyphs.Regular},
			"text-size":            []any{"interpolate", []any{"linear"}, []any{"zoom"}, 2, 10, 4, 13, 7, 17},
			"text-max-width":       7,
			"text-padding":         2,
			"text-variable-anchor": labelAnchors,
			"text-radial-offset":   1.3,
		},
		"paint": textPaint(colourLabel, 1.2),
	}
}

// placeLabels names GeoNames places from zoom 4, the most populous placed
// first.
func placeLabels() map[string]any {
	return map[string]any{"id": "place-labels", "type": "symbol", "source": basemapSource, "source-layer": geo.LayerPlaces,
		"minzoom": 4,
		"layout": map[string]any{
			"text-field":           []any{"get", "name"},
			"text-font":            []string{glyphs.Regular},
			"text-size":            []any{"interpolate", []any{"linear"}, []any{"zoom"}, 4, 10, 10, 14},
			"text-max-width":       7,
			"text-variable-anchor": labelAnchors,
			"text-radial-offset":   1.1,
			"symbol-sort-key":      []any{"-", []any{"to-number", []any{"get", "population"}, 0}},
		},
		"paint": textPaint(colourPlace, 1),
	}
}

// clusterCounts writes each cluster's location count on its circle,
// abbreviated from a thousand up (1.2k, 12k, 3.4M; the thresholds are where
// rounding would reach the next unit), always drawn.
func clusterCounts(count []any) map[string]any {
	oneDecimal := func(by float64, suffix string) []any {
		return []any{"concat", []any{"number-format", []any{"/", count, by},
			map[string]any{"locale": "en", "max-fraction-digits": 1}}, suffix}
	}
	return map[string]any{"id": "cluster-counts", "type": "symbol", "source": styleSource, "source-layer": geo.LayerClusters,
		"layout": map[string]any{
			"text-field": []any{"case",
				[]any{">=", count, 999_500}, oneDecimal(1_000_000, "M"),
				[]any{">=", count, 9_950}, []any{"concat", []any{"to-string", []any{"round", []any{"/", count, 1000}}}, "k"},
				[]any{">=", count, 1000}, oneDecimal(1000, "k"),
				[]any{"to-string", count}},
			"text-font":          []string{glyphs.Bold},
			"text-size":          []any{"interpolate", []any{"linear"}, count, 1, 10, 100, 12, 10000, 15},
			"text-allow-overlap": true,
		},
		"paint": map[string]any{"text-color": "#ffffff"},
	}
}
