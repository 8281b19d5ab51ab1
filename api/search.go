package api

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/commonground/commonground/geo"
)

// Search limits.
const (
	searchDefaultLimit = 8
	searchMaxLimit     = 25
)

// searchDoc is the answer of /search.
type searchDoc struct {
	Q       string          `json:"q"`
	Results []geo.SearchHit `json:"results"`
}

// search answers /search?q=: activities, organisations and gazetteer places
// matching q, best first, for the map's search box.
func (s *server) search(c *gin.Context) error {
	p, err := parseParams(c, []string{"q", "limit", "f"})
	if err != nil {
		return err
	}
	q := p.one("q")
	switch {
	case len([]rune(q)) < 2:
		p.bad("q", "give at least 2 characters")
	case len(q) > geo.MaxQLength:
		p.bad("q", fmt.Sprintf("longer than %d characters", geo.MaxQLength))
	}
	limit := searchDefaultLimit
	if v := p.one("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			p.bad("limit", "must be a whole number of at least 1")
		} else {
			limit = min(n, searchMaxLimit)
		}
	}
	format(c, p, "json")
	if err := p.err(); err != nil {
		return err
	}
	hits, err := s.store.Search(c.Request.Context(), viewerOf(c), q, ascii(q), limit)
	if err != nil {
		return err
	}
	return writeJSON(c, mediaJSON, searchDoc{Q: q, Results: hits})
}

// ascii strips accents so "São Paulo" finds the gazetteer's "Sao Paulo".
func ascii(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return strings.TrimSpace(out)
}
