package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
)

// conformanceClasses lists the OGC conformance classes the server implements.
var conformanceClasses = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
	"http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
	"http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
	"http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
	"http://www.opengis.net/spec/cql2/1.0/conf/array-functions",
	// Part 4 (draft): activities are created, replaced, updated (JSON Merge
	// Patch) and deleted, with strong ETags and If-Match.
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/optimistic-locking-etags",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
}

// landingDoc is the OGC API landing page.
type landingDoc struct {
	Description string `json:"description"`
	Links       []link `json:"links"`
	Title       string `json:"title"`
}

// landing answers / for JSON clients: the OGC API landing page. Browsers
// (Accept: text/html without f=json) get the web app.
func (s *server) landing(c *gin.Context) error {
	if wantsHTML(c) {
		return s.index(c)
	}
	if err := s.noParams(c, "f"); err != nil {
		return err
	}
	c.JSON(http.StatusOK, landingDoc{
		Description: "Where the alliance's members work, and where their work overlaps: activities, members, programmes and countries as OGC API - Features.",
		Links: []link{
			{Href: abs(c, "/?f=json"), Rel: "self", Type: mediaJSON, Title: "this document"},
			{Href: abs(c, "/"), Rel: "alternate", Type: "text/html", Title: "the map"},
			{Href: abs(c, "/api"), Rel: "service-desc", Type: mediaOpenAPI, Title: "the API definition (OpenAPI 3.0)"},
			{Href: abs(c, "/api.html"), Rel: "service-doc", Type: "text/html", Title: "the API documentation"},
			{Href: abs(c, "/conformance"), Rel: "conformance", Type: mediaJSON, Title: "conformance classes"},
			{Href: abs(c, "/collections"), Rel: "data", Type: mediaJSON, Title: "collections"},
		},
		Title: "CommonGround",
	})
	return nil
}

// wantsHTML is true for a browser asking for a page: f=html, or no f and an
// Accept header that prefers HTML.
func wantsHTML(c *gin.Context) bool {
	switch c.Query("f") {
	case "html":
		return true
	case "":
		return c.NegotiateFormat(gin.MIMEJSON, gin.MIMEHTML) == gin.MIMEHTML &&
			c.GetHeader("Accept") != "" && c.GetHeader("Accept") != "*/*"
	}
	return false
}

// conformanceDoc lists the conformance classes.
type conformanceDoc struct {
	ConformsTo []string `json:"conformsTo"`
}

// conformance answers /conformance.
func (s *server) conformance(c *gin.Context) error {
	if err := s.noParams(c, "f"); err != nil {
		return err
	}
	c.JSON(http.StatusOK, conformanceDoc{ConformsTo: conformanceClasses})
	return nil
}

// queryables answers the JSON Schema of the properties a collection's
// filter may use (only activities take CQL2 filters).
func (s *server) queryables(c *gin.Context) error {
	if err := s.noParams(c, "f"); err != nil {
		return err
	}
	col, err := collectionByID(c.Param("collection"))
	if err != nil {
		return err
	}
	props := map[string]queryableSchema{}
	if col.ID == "activities" {
		for _, q := range geo.ActivityQueryables() {
			props[q.Name] = newQueryableSchema(q)
		}
	}
	return writeJSON(c, mediaSchema, queryablesDoc{
		ID: abs(c, "/collections/"+col.ID+"/queryables"), Schema: "https://json-schema.org/draft/2019-09/schema",
		AdditionalProperties: false, Properties: props, Title: col.Title, Type: "object",
	})
}

// queryablesDoc is the JSON Schema of a collection's queryables.
type queryablesDoc struct {
	ID                   string                     `json:"$id"`
	Schema               string                     `json:"$schema"`
	AdditionalProperties bool                       `json:"additionalProperties"`
	Properties           map[string]queryableSchema `json:"properties"`
	Title                string                     `json:"title"`
	Type                 string                     `json:"type"`
}

// queryableSchema is the JSON Schema of one queryable. Geometries have a
// $ref and no type; arrays have items, which carry the enum of an array.
type queryableSchema struct {
	Ref         string       `json:"$ref,omitempty"`
	Description string       `json:"description"`
	Enum        []string     `json:"enum,omitempty"`
	Format      string       `json:"format,omitempty"`
	Items       *schemaItems `json:"items,omitempty"`
	Title       string       `json:"title"`
	Type        string       `json:"type,omitempty"`
}

// schemaItems is the schema of an array's items.
type schemaItems struct {
	Enum []string `json:"enum,omitempty"`
	Type string   `json:"type"`
}

func newQueryableSchema(q geo.Queryable) queryableSchema {
	m := queryableSchema{Title: q.Name, Description: q.Description}
	switch q.Type {
	case geo.QString:
		m.Type = "string"
	case geo.QInteger:
		m.Type = "integer"
	case geo.QNumber:
		m.Type = "number"
	case geo.QDate:
		m.Type, m.Format = "string", "date"
	case geo.QInterval:
		m.Type, m.Format = "string", "interval"
	case geo.QGeometry:
		m.Format = "geometry-multipoint"
		m.Ref = "https://geojson.org/schema/MultiPoint.json"
	case geo.QStringArray:
		m.Type, m.Items = "array", &schemaItems{Type: "string"}
	}
	if len(q.Enum) > 0 {
		if q.Type == geo.QStringArray {
			m.Items = &schemaItems{Enum: q.Enum, Type: "string"}
		} else {
			m.Enum = q.Enum
		}
	}
	return m
}
