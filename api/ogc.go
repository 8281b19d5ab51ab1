package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
)

// conformance lists the OGC conformance classes the server implements.
var conformance = []string{
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
	c.JSON(http.StatusOK, map[string]any{
		"title":       "CommonGround",
		"description": "Where the alliance's members work, and where their work overlaps: activities, members, programmes and countries as OGC API - Features.",
		"links": []link{
			{Href: abs(c, "/?f=json"), Rel: "self", Type: mediaJSON, Title: "this document"},
			{Href: abs(c, "/"), Rel: "alternate", Type: "text/html", Title: "the map"},
			{Href: abs(c, "/api"), Rel: "service-desc", Type: mediaOpenAPI, Title: "the API definition (OpenAPI 3.0)"},
			{Href: abs(c, "/api.html"), Rel: "service-doc", Type: "text/html", Title: "the API documentation"},
			{Href: abs(c, "/conformance"), Rel: "conformance", Type: mediaJSON, Title: "conformance classes"},
			{Href: abs(c, "/collections"), Rel: "data", Type: mediaJSON, Title: "collections"},
		},
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

func (s *server) conformanceDoc(c *gin.Context) error {
	if err := s.noParams(c, "f"); err != nil {
		return err
	}
	c.JSON(http.StatusOK, map[string]any{"conformsTo": conformance})
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
	props := map[string]any{}
	if col.ID == "activities" {
		for _, q := range geo.ActivityQueryables() {
			props[q.Name] = queryableSchema(q)
		}
	}
	return writeJSON(c, mediaSchema, map[string]any{
		"$schema": "https://json-schema.org/draft/2019-09/schema",
		"$id":     abs(c, "/collections/"+col.ID+"/queryables"),
		"type":    "object", "title": col.Title, "properties": props, "additionalProperties": false,
	})
}

func queryableSchema(q geo.Queryable) map[string]any {
	m := map[string]any{"title": q.Name, "description": q.Description}
	switch q.Type {
	case geo.QString:
		m["type"] = "string"
	case geo.QInteger:
		m["type"] = "integer"
	case geo.QNumber:
		m["type"] = "number"
	case geo.QDate:
		m["type"], m["format"] = "string", "date"
	case geo.QInterval:
		m["type"], m["format"] = "string", "interval"
	case geo.QGeometry:
		m["format"] = "geometry-multipoint"
		m["$ref"] = "https://geojson.org/schema/MultiPoint.json"
	case geo.QStringArray:
		m["type"], m["items"] = "array", map[string]any{"type": "string"}
	}
	if len(q.Enum) > 0 {
		if q.Type == geo.QStringArray {
			m["items"] = map[string]any{"type": "string", "enum": q.Enum}
		} else {
			m["enum"] = q.Enum
		}
	}
	return m
}
