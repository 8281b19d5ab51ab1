package api

import (
	"bufio"
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
)

// export streams every activity the filters select, as GeoJSON or CSV,
// row by row from the database: nothing of it is held in memory. It has its
// own, longer deadline (Config.ExportTimeout) for both the query and the
// write.
func (s *server) export(c *gin.Context) error {
	p, err := parseParams(c, filterParams, []string{"f", "properties", "sortby"})
	if err != nil {
		return err
	}
	f := p.activityFilter()
	pg := p.pageOf(collections[0].sortable)
	fm := format(c, p, "json", "csv")
	if err := p.err(); err != nil {
		return err
	}
	// withDeadline gave this route ExportTimeout; the write may take as long.
	_ = http.NewResponseController(c.Writer).SetWriteDeadline(time.Now().Add(s.cfg.ExportTimeout))
	ctx := c.Request.Context()
	name := "commonground-activities-" + time.Now().UTC().Format("20060102")
	keep := keepSet(pg.Properties)
	var buf []byte
	each := func(row func(json.RawMessage) error) error {
		return s.store.EachActivity(ctx, viewerOf(c), f, pg, func(a geo.ActivityView) error {
			buf = appendActivity(buf[:0], a, keep)
			return row(buf)
		})
	}
	if fm == "csv" {
		c.Header("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		return writeCSV(c, "activities", each)
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+`.geojson"`)
	c.Header("Content-Type", mediaGeoJSON)
	c.Status(http.StatusOK)
	w := bufio.NewWriterSize(c.Writer, 64<<10)
	w.WriteString(`{"type":"FeatureCollection","features":[`)
	n := 0
	err = each(func(raw json.RawMessage) error {
		if n > 0 {
			w.WriteByte(',')
		}
		n++
		_, err := w.Write(raw)
		return err
	})
	if err != nil {
		return err
	}
	w.WriteString("]}\n")
	return w.Flush()
}
