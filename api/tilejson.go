package api

import (
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
)

// tileJSON is a TileJSON 3.0.0 document. The fields are in the order the
// keys are written (alphabetical, as the document has always had them).
type tileJSON struct {
	Attribution  string        `json:"attribution"`
	Bounds       [4]float64    `json:"bounds"`
	Center       [3]float64    `json:"center"`
	Description  string        `json:"description"`
	MaxZoom      int           `json:"maxzoom"`
	MinZoom      int           `json:"minzoom"`
	Name         string        `json:"name"`
	Scheme       string        `json:"scheme"`
	TileJSON     string        `json:"tilejson"`
	Tiles        []string      `json:"tiles"`
	VectorLayers []vectorLayer `json:"vector_layers"`
}

// vectorLayer is one entry of TileJSON's vector_layers: one MVT layer of
// the tiles, with its feature properties and their types.
type vectorLayer struct {
	Description string            `json:"description,omitempty"`
	Fields      map[string]string `json:"fields,omitempty"`
	ID          string            `json:"id"`
	MaxZoom     int               `json:"maxzoom"`
	MinZoom     int               `json:"minzoom"`
}

// vectorLayers are the vector_layers of each tile layer, from its
// geo.TileLayer: one entry, or for the basemap one per MVT layer it
// holds, each by its own id (MapLibre checks a style layer's source-layer
// against these).
var vectorLayers = tileVectorLayers()

func tileVectorLayers() map[string][]vectorLayer {
	entry := func(l geo.TileLayer) vectorLayer {
		fields := make(map[string]string, len(l.Fields))
		for _, f := range l.Fields {
			fields[f.Name] = f.Type
		}
		return vectorLayer{ID: l.Name, MinZoom: l.MinZoom, MaxZoom: l.MaxZoom, Description: l.Description, Fields: fields}
	}
	out := map[string][]vectorLayer{}
	for _, name := range geo.TileLayers {
		l, _ := geo.TileLayerOf(name)
		parts := l.MVTLayers
		if len(parts) == 0 {
			parts = []geo.TileLayer{l}
		}
		for _, p := range parts {
			out[name] = append(out[name], entry(p))
		}
	}
	return out
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
	q, err := filterQuery(c)
	if err != nil {
		return err
	}
	q.Set("v", strconv.FormatInt(c.GetInt64(dataVersionKey), 10))
	doc := tileJSON{
		Attribution: "© Natural Earth (public domain); GeoNames (CC BY 4.0); CommonGround members",
		Bounds:      [4]float64{-180, -85.0511, 180, 85.0511},
		Center:      [3]float64{15, 15, 2},
		Description: "CommonGround vector tiles: " + name,
		MinZoom:     geo.MaxZoom,
		Name:        "CommonGround " + name,
		Scheme:      "xyz",
		TileJSON:    "3.0.0",
		Tiles:       []string{abs(c, "/tiles/"+name+"/{z}/{x}/{y}.mvt") + "?" + q.Encode()},
	}
	for _, name := range layers {
		l, _ := geo.TileLayerOf(name) // parseLayers allows only geo.TileLayers
		doc.VectorLayers = append(doc.VectorLayers, vectorLayers[name]...)
		doc.MinZoom, doc.MaxZoom = min(doc.MinZoom, l.MinZoom), max(doc.MaxZoom, l.MaxZoom)
	}
	return writeJSON(c, mediaJSON, doc)
}
