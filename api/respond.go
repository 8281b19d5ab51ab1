package api

import (
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// Media types.
const (
	mediaGeoJSON = "application/geo+json"
	mediaJSON    = "application/json"
	mediaOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
	mediaCSV     = "text/csv; charset=utf-8"
	mediaSchema  = "application/schema+json"
	mediaProblem = "application/problem+json"
	// mediaProtobuf is the type of glyph ranges.
	mediaProtobuf = "application/x-protobuf"
	mediaMVT      = "application/vnd.mapbox-vector-tile"
)

// writeJSON writes v as JSON with the given media type.
func writeJSON(c *gin.Context, mediaType string, v any) error {
	c.Header("Content-Type", mediaType)
	c.Status(http.StatusOK)
	return jsonEncode(c.Writer, v)
}

// jsonEncode writes v as one line of JSON, leaving <, > and & as they are.
func jsonEncode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// nowRFC3339 is the timeStamp of feature collections.
func nowRFC3339() string { return time.Now().UTC().Format(time.RFC3339) }
