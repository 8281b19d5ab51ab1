package api

import (
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
)

// styleSource is the one source of the default style: CommonGround's own
// vector tiles, through their TileJSON.
const styleSource = "commonground"

// styleLayers are the tile layers the default style draws.
var styleLayers = []string{geo.LayerCountries, geo.LayerClusters, geo.LayerActivities}

// Colours of the default style.
const (
	colourOcean    = "#cfe3ef"
	colourLand     = "#f4f1e8"
	colourBorder   = "#9aa7b1"
	colourCluster  = "#3b5b92"
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
// vector tiles only. The filters of the request go on to the TileJSON URL,
// so /style.json?theme=resilience draws the filtered map. It has no glyphs,
// sprite or symbol layers: there is no glyph server yet.
func (s *server) style(c *gin.Context) error {
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
		if k != "v" { // the TileJSON puts the current data version in the tile URLs
			q[k] = v
		}
	}
	tilejson := abs(c, "/tiles/"+strings.Join(styleLayers, ",")+".json")
	if len(q) > 0 {
		tilejson += "?" + q.Encode()
	}
	return writeJSON(c, mediaJSON, defaultStyle(tilejson))
}

// defaultStyle builds the style with its one source at tilejsonURL.
func defaultStyle(tilejsonURL string) map[string]any {
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
	count := []any{"to-number", []any{"get", "count"}, 1}
	return map[string]any{
		"version": 8,
		"name":    "CommonGround",
		"metadata": map[string]any{
			"commonground:description": "Where the alliance's members work: countries shaded by activity count, clusters sized by locations, activities coloured by the lead organisation's constituency.",
		},
		"center": []float64{15, 15},
		"zoom":   2,
		"sources": map[string]any{
			styleSource: map[string]any{"type": "vector", "url": tilejsonURL},
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
			// A count label needs a symbol layer and so glyphs; until the
			// server has them, the circle's size says the count.
			map[string]any{"id": "clusters", "type": "circle", "source": styleSource, "source-layer": geo.LayerClusters,
				"paint": map[string]any{
					"circle-color":        colourCluster,
					"circle-opacity":      0.7,
					"circle-radius":       []any{"interpolate", []any{"linear"}, count, 1, 5, 10, 9, 100, 15, 1000, 24, 10000, 36},
					"circle-stroke-color": "#ffffff",
					"circle-stroke-width": 1.5,
				}},
			map[string]any{"id": "activities", "type": "circle", "source": styleSource, "source-layer": geo.LayerActivities,
				"minzoom": geo.ClusterMaxZoom + 1,
				"paint": map[string]any{
					"circle-color":          match,
					"circle-radius":         []any{"interpolate", []any{"linear"}, []any{"zoom"}, geo.ClusterMaxZoom + 1, 4, 14, 7, 18, 10},
					"circle-opacity":        byPrecision(0.95, 0.85, 0.7),
					"circle-stroke-color":   "#ffffff",
					"circle-stroke-width":   byPrecision(2, 1.5, 1),
					"circle-stroke-opacity": byPrecision(1, 0.8, 0.4),
				}},
		},
	}
}
