package geo

// Tile layers, by the name a tile URL gives them.
const (
	LayerActivities = "activities"
	LayerClusters   = "clusters"
	LayerCountries  = "countries"
	// LayerBasemap expands to the MVT layers land, boundaries,
	// country_labels and places, from the reference data.
	LayerBasemap = "basemap"
)

// The MVT layers of a basemap tile.
const (
	LayerLand          = "land"
	LayerBoundaries    = "boundaries"
	LayerCountryLabels = "country_labels"
	LayerPlaces        = "places"
)

// TileLayers lists the layers served, by name, in the order of their
// descriptions (TileLayerOf).
var TileLayers = []string{LayerActivities, LayerClusters, LayerCountries, LayerBasemap}

// ClusterMaxZoom is the deepest zoom of the clusters layer; from the next
// zoom on (ActivitiesMinZoom), the activities layer has every location.
const ClusterMaxZoom = 8

// ActivitiesMinZoom is the shallowest zoom of the activities layer.
const ActivitiesMinZoom = ClusterMaxZoom + 1

// MaxLayersPerTile caps how many layers one tile request may combine.
const MaxLayersPerTile = 4

// TileLayer describes a tile layer: what TileJSON's vector_layers says of
// it, and what the style and the store rely on. A tile of the layer holds
// one MVT layer called Name, or, when MVTLayers is set, those instead.
type TileLayer struct {
	Name             string
	MinZoom, MaxZoom int
	Description      string
	Fields           []TileField // the features' properties
	MVTLayers        []TileLayer
}

// TileField is one property of a tile layer's features, with its type as
// TileJSON states it ("String", "Number", with a note in brackets).
type TileField struct {
	Name, Type string
}

// TileLayerOf returns the description of the tile layer called name;
// false for a name not in TileLayers.
func TileLayerOf(name string) (TileLayer, bool) {
	for _, l := range tileLayers {
		if l.Name == name {
			return l, true
		}
	}
	return TileLayer{}, false
}

// tileLayers are the descriptions, in the order of TileLayers.
var tileLayers = []TileLayer{
	{Name: LayerActivities, MinZoom: ActivitiesMinZoom, MaxZoom: MaxZoom,
		Description: "One feature per activity location; the feature id is the activity id, as in GeoJSON. A tile with too many locations comes as clusters instead.",
		Fields: []TileField{{"title", "String"}, {"status", "String"}, {"precision", "String"}, {"kind", "String"},
			{"country", "String"}, {"organisation", "String (lead)"}, {"constituency", "String (lead)"}, {"themes", "String (comma-separated codes)"}}},
	{Name: LayerClusters, MinZoom: 0, MaxZoom: ClusterMaxZoom,
		Description: "Locations aggregated on a 16x16 grid per tile, with the extent to zoom to.",
		Fields: []TileField{{"count", "Number (locations)"}, {"activities", "Number"}, {"organisations", "Number (distinct lead organisations)"},
			{"top_themes", "String (up to 3, most frequent first)"}, {"top_constituencies", "String (up to 3)"},
			{"west", "Number"}, {"south", "Number"}, {"east", "Number"}, {"north", "Number"}}},
	{Name: LayerCountries, MinZoom: 0, MaxZoom: MaxZoom,
		Description: "Country outlines (Natural Earth) simplified to about a pixel, with the filtered activity count and distinct member organisations.",
		Fields: []TileField{{"iso_a2", "String"}, {"name", "String"}, {"region_code", "String"},
			{"activity_count", "Number"}, {"member_count", "Number"}}},
	{Name: LayerBasemap, MinZoom: 0, MaxZoom: MaxZoom, MVTLayers: []TileLayer{
		{Name: LayerLand, MinZoom: 0, MaxZoom: MaxZoom,
			Description: "Country polygons (Natural Earth), simplified to about a pixel.",
			Fields:      []TileField{{"iso_a2", "String"}}},
		{Name: LayerBoundaries, MinZoom: 0, MaxZoom: MaxZoom,
			Description: "Country outlines (Natural Earth).",
			Fields:      []TileField{{"iso_a2", "String"}}},
		{Name: LayerCountryLabels, MinZoom: 0, MaxZoom: MaxZoom,
			Description: "A point inside each country to write its name at.",
			Fields:      []TileField{{"iso_a2", "String"}, {"name", "String"}}},
		{Name: LayerPlaces, MinZoom: 0, MaxZoom: MaxZoom,
			Description: "GeoNames places, the most populous above a floor that falls with the zoom, at most 200 per tile.",
			Fields:      []TileField{{"name", "String"}, {"country", "String"}, {"population", "Number"}, {"feature_code", "String"}}},
	}},
}
