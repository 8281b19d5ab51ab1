package api

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

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
