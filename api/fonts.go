package api

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/internal/glyphs"
)

// maxFontstackLen caps the fontstack path segment (a comma-separated list
// of font names).
const maxFontstackLen = 500

// fontsRoute is where the glyph ranges are; the style's glyphs URL is it
// with MapLibre's {fontstack} and {range} placeholders.
const fontsRoute = "/fonts/:fontstack/:range"

// fontRange answers GET and HEAD /fonts/{fontstack}/{start}-{end}.pbf: the
// glyphs of 256 code points, signed distance fields in the Mapbox glyph
// protobuf, of the first font of the fontstack the server has (Go Regular
// for any other). Code points the font lacks are left out; a range without
// any is an empty fontstack, still a 200. The bytes depend on the font and
// range only, so they are cached by clients for a day and revalidated by a
// strong ETag of their content.
func (s *server) fontRange(c *gin.Context) error {
	p, err := parseParams(c) // no query parameters
	if err != nil {
		return err
	}
	if err := p.err(); err != nil {
		return err
	}
	fontstack := c.Param("fontstack")
	if len(fontstack) > maxFontstackLen {
		return &geo.Error{Code: geo.EInvalid, Message: "fontstack too long",
			Fields: []geo.FieldError{{Parameter: "fontstack", Detail: fmt.Sprintf("at most %d bytes", maxFontstackLen)}}}
	}
	name, ok := strings.CutSuffix(c.Param("range"), ".pbf")
	if !ok {
		return &geo.Error{Code: geo.EInvalid, Message: "glyph ranges end in .pbf",
			Fields: []geo.FieldError{{Parameter: "range", Detail: "want {start}-{end}.pbf, e.g. 0-255.pbf"}}}
	}
	start, err := glyphs.ParseRange(name)
	if err != nil {
		return err
	}
	r, err := s.glyphs.Range(fontstack, start)
	if err != nil {
		return &geo.Error{Code: geo.EInternal, Err: err}
	}
	etag := `"` + hex.EncodeToString(r.Sum[:16]) + `"`
	c.Header("ETag", etag)
	c.Header("Cache-Control", "public, max-age=86400")
	if matchesETag(c.GetHeader("If-None-Match"), etag) {
		c.Status(http.StatusNotModified)
		return nil
	}
	c.Header("Content-Length", strconv.Itoa(len(r.PBF)))
	c.Data(http.StatusOK, mediaProtobuf, r.PBF)
	return nil
}
