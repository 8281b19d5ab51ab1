package api

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
	"unicode"

	"github.com/commonground/commonground/geo"
)

// stats answers /stats: activity count, distinct organisations and budget
// totals per currency for the filtered activities, grouped by group_by.
func (s *server) stats(c *gin.Context) error {
	p, err := parseParams(c, filterParams, []string{"group_by", "f"})
	if err != nil {
		return err
	}
	f := p.activityFilter()
	by := geo.GroupBy(p.one("group_by"))
	if by != geo.ByNone && !slices.Contains(geo.GroupBys, by) {
		p.bad("group_by", fmt.Sprintf("unknown dimension %q (one of %v)", by, geo.GroupBys))
	}
	format(c, p, "json")
	if err := p.err(); err != nil {
		return err
	}
	// The same question of the same data for the same visibility class has
	// the same answer: keep it (the key holds the data version, so a change
	// is never served stale). Unfiltered counts are what every visitor's
	// filter panel asks for first, and take about a second each at 100k.
	v := viewerOf(c)
	key := ""
	if version, ok := c.Get(dataVersionKey); ok {
		key = fmt.Sprintf("%d|%s|%s", version, v.Class(), p.q.Encode())
		if b, ok := s.statsCache.Get(key); ok {
			c.Data(http.StatusOK, mediaJSON, b)
			return nil
		}
	}
	st, err := s.store.Stats(c.Request.Context(), v, f, by)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := jsonEncode(&buf, st); err != nil {
		return err
	}
	if key != "" {
		s.statsCache.Add(key, buf.Bytes())
	}
	c.Data(http.StatusOK, mediaJSON, buf.Bytes())
	return nil
}

// Search limits.
const (
	searchDefaultLimit = 8
	searchMaxLimit     = 25
)

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
	return writeJSON(c, mediaJSON, map[string]any{"q": q, "results": hits})
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

func joinComma(list []string) string { return strings.Join(list, ", ") }
