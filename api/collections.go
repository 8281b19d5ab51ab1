package api

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
)

// collection describes one OGC API feature collection and how to read it.
type collection struct {
	ID, Title, Description string
	// selects lists the domain parameters that select this collection's
	// features; the other filter parameters narrow the activities counted.
	selects  []string
	params   [][]string // accepted parameter sets of its items endpoint
	sortable []string
	list     func(s Store, ctx context.Context, v geo.Viewer, f geo.ActivityFilter, p geo.Page) (geo.FeaturePage, error)
	one      func(s Store, ctx context.Context, v geo.Viewer, id int64, props []string) (json.RawMessage, error)
}

var collections = []collection{
	{
		ID: "activities", Title: "Activities",
		Description: "Member activities. One feature per activity: its geometry is the MultiPoint of its locations' " +
			"representative points (the point itself, a point on a drawn shape, a city's point, or a country's label point " +
			"for country-level work); the locations property lists each location's kind and precision in the same order.",
		params:   [][]string{filterParams, pageParams},
		sortable: geo.ActivitySortable,
		list:     activityFeatures,
		// one: item reads activities itself, for their strong ETag.
	},
	{
		ID: "organisations", Title: "Member organisations",
		Description: "Alliance members at their headquarters, with the number of activities (matching the filters) they " +
			"take part in and the countries those reach. organisation, constituency and bbox select members; the other " +
			"filters narrow the activities counted.",
		selects: []string{"organisation", "constituency", "bbox"},
		params:  [][]string{countParams, {"limit", "offset", "f"}},
		list:    Store.OrganisationFeatures,
		one: func(s Store, ctx context.Context, v geo.Viewer, id int64, _ []string) (json.RawMessage, error) {
			return s.Organisation(ctx, v, id)
		},
	},
	{
		ID: "programmes", Title: "Programmes",
		Description: "Alliance programmes (no geometry of their own), with the number of activities matching the filters " +
			"and the countries they reach. programme and programme_type select programmes.",
		selects: []string{"programme", "programme_type"},
		params:  [][]string{countParams, {"limit", "offset", "f"}},
		list:    Store.ProgrammeFeatures,
		one: func(s Store, ctx context.Context, v geo.Viewer, id int64, _ []string) (json.RawMessage, error) {
			return s.Programme(ctx, v, id)
		},
	},
	{
		ID: "countries", Title: "Countries",
		Description: "Countries and territories (Natural Earth, outlines simplified to about 2 km) with the number of " +
			"activities matching the filters located in each and their distinct member organisations, for choropleths. " +
			"country, region and bbox select countries.",
		selects: []string{"country", "region", "bbox"},
		params:  [][]string{countParams, {"limit", "offset", "f"}},
		list:    Store.CountryFeatures,
		one: func(s Store, ctx context.Context, v geo.Viewer, id int64, _ []string) (json.RawMessage, error) {
			return s.Country(ctx, v, id)
		},
	},
}

// countParams are the filters the non-activity collections accept (no CQL2:
// their queryables are not activity properties).
var countParams = []string{"bbox", "bbox-crs", "datetime", "organisation", "constituency", "programme",
	"programme_type", "theme", "status", "country", "region", "budget_min", "budget_max", "budget_currency", "q"}

func collectionByID(id string) (collection, error) {
	for _, c := range collections {
		if c.ID == id {
			return c, nil
		}
	}
	return collection{}, geo.Errorf(geo.ENotFound, "no collection %q", id)
}

// collectionDoc is the OGC description of a collection.
type collectionDoc struct {
	CRS         []string  `json:"crs"`
	Description string    `json:"description"`
	Extent      extentDoc `json:"extent"`
	ID          string    `json:"id"`
	ItemType    string    `json:"itemType"`
	Links       []link    `json:"links"`
	Title       string    `json:"title"`
}

// extentDoc is a collection's extent as the viewer may see it; an empty
// collection has neither part.
type extentDoc struct {
	Spatial  *spatialExtent  `json:"spatial,omitempty"`
	Temporal *temporalExtent `json:"temporal,omitempty"`
}

type spatialExtent struct {
	BBox [][4]float64 `json:"bbox"`
	CRS  string       `json:"crs"`
}

// temporalExtent is one interval whose open ends are null.
type temporalExtent struct {
	Interval [][2]*string `json:"interval"`
	TRS      string       `json:"trs"`
}

const crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

// collectionJSON describes col with its extent for the viewer.
func (s *server) collectionJSON(c *gin.Context, col collection) (collectionDoc, error) {
	ext, err := s.store.Extent(c.Request.Context(), viewerOf(c), col.ID)
	if err != nil {
		return collectionDoc{}, err
	}
	base := abs(c, "/collections/"+col.ID)
	var extent extentDoc
	if ext.BBox != nil {
		extent.Spatial = &spatialExtent{BBox: [][4]float64{{ext.BBox.MinLon, ext.BBox.MinLat, ext.BBox.MaxLon, ext.BBox.MaxLat}}, CRS: crs84}
	}
	if ext.Start != nil || ext.End != nil {
		extent.Temporal = &temporalExtent{Interval: [][2]*string{{rfc3339(ext.Start), rfc3339(ext.End)}},
			TRS: "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}
	}
	return collectionDoc{
		CRS: []string{crs84}, Description: col.Description, Extent: extent, ID: col.ID, ItemType: "feature",
		Links: []link{
			{Href: base, Rel: "self", Type: mediaJSON, Title: col.Title},
			{Href: base + "/items", Rel: "items", Type: mediaGeoJSON, Title: col.Title + " (GeoJSON)"},
			{Href: base + "/items?f=csv", Rel: "items", Type: mediaCSV, Title: col.Title + " (CSV)"},
			{Href: base + "/queryables", Rel: "http://www.opengis.net/def/rel/ogc/1.0/queryables", Type: mediaSchema, Title: "Queryables"},
		},
		Title: col.Title,
	}, nil
}

func rfc3339(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

// collectionsDoc is /collections.
type collectionsDoc struct {
	Collections []collectionDoc `json:"collections"`
	Links       []link          `json:"links"`
}

// collectionsList answers /collections.
func (s *server) collectionsList(c *gin.Context) error {
	if err := s.noParams(c, "f"); err != nil {
		return err
	}
	var out []collectionDoc
	for _, col := range collections {
		cj, err := s.collectionJSON(c, col)
		if err != nil {
			return err
		}
		out = append(out, cj)
	}
	c.JSON(http.StatusOK, collectionsDoc{
		Collections: out,
		Links:       []link{{Href: abs(c, "/collections"), Rel: "self", Type: mediaJSON, Title: "Collections"}},
	})
	return nil
}

func (s *server) collectionOne(c *gin.Context) error {
	if err := s.noParams(c, "f"); err != nil {
		return err
	}
	col, err := collectionByID(c.Param("collection"))
	if err != nil {
		return err
	}
	cj, err := s.collectionJSON(c, col)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, cj)
	return nil
}

// noParams refuses any query parameter but the named ones, and an f other
// than json.
func (s *server) noParams(c *gin.Context, allowed ...string) error {
	p, err := parseParams(c, allowed)
	if err != nil {
		return err
	}
	if f := p.one("f"); f != "" && f != "json" {
		p.bad("f", "only json is available here")
	}
	return p.err()
}
