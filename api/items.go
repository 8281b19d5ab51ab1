package api

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
)

// items answers /collections/{collection}/items: one page of features as a
// GeoJSON FeatureCollection (or CSV) with numberMatched, numberReturned and
// self/next/prev links that keep every parameter.
func (s *server) items(c *gin.Context) error {
	col, err := collectionByID(c.Param("collection"))
	if err != nil {
		return err
	}
	p, err := parseParams(c, col.params...)
	if err != nil {
		return err
	}
	f := p.activityFilter()
	pg := p.pageOf(col.sortable)
	fm := format(c, p, "json", "csv")
	if err := p.err(); err != nil {
		return err
	}
	page, err := col.list(s.store, c.Request.Context(), viewerOf(c), f, pg)
	if err != nil {
		return err
	}
	if fm == "csv" {
		return writeCSV(c, col.ID, func(row func(json.RawMessage) error) error {
			for _, feat := range page.Features {
				if err := row(feat); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return writeFeatureCollection(c, page, pageLinks(c, p.q, pg, len(page.Features), page.NumberMatched))
}

// writeFeatureCollection streams the page: the features are already JSON.
func writeFeatureCollection(c *gin.Context, page geo.FeaturePage, links []link) error {
	c.Header("Content-Type", mediaGeoJSON)
	c.Status(http.StatusOK)
	w := bufio.NewWriterSize(c.Writer, 64<<10)
	w.WriteString(`{"type":"FeatureCollection","numberMatched":`)
	w.WriteString(strconv.FormatInt(page.NumberMatched, 10))
	w.WriteString(`,"numberReturned":`)
	w.WriteString(strconv.Itoa(len(page.Features)))
	w.WriteString(`,"timeStamp":"`)
	w.WriteString(nowRFC3339())
	w.WriteString(`","links":`)
	lj, _ := json.Marshal(links)
	w.Write(lj)
	w.WriteString(`,"features":[`)
	for i, f := range page.Features {
		if i > 0 {
			w.WriteByte(',')
		}
		w.Write(f)
	}
	w.WriteString("]}\n")
	return w.Flush()
}

// item answers /collections/{collection}/items/{id}.
func (s *server) item(c *gin.Context) error {
	col, err := collectionByID(c.Param("collection"))
	if err != nil {
		return err
	}
	p, err := parseParams(c, []string{"f", "properties"})
	if err != nil {
		return err
	}
	id, perr := strconv.ParseInt(c.Param("id"), 10, 64)
	if perr != nil || id < 1 {
		return geo.Errorf(geo.ENotFound, "no feature %q in %s", c.Param("id"), col.ID)
	}
	pg := p.pageOf(nil)
	format(c, p, "json")
	if err := p.err(); err != nil {
		return err
	}
	var feat json.RawMessage
	if col.ID == "activities" {
		// An activity's ETag is strong and carries its row version, for
		// If-Match on PUT, PATCH and DELETE.
		a, err := s.store.Activity(c.Request.Context(), viewerOf(c), id)
		if err != nil {
			return err
		}
		dv, _ := c.Get(dataVersionKey)
		d, _ := dv.(int64)
		etag := rowETag(a.Version, d, representationHash(c.Request.URL.RequestURI(), c.GetHeader("Accept"), viewerOf(c)))
		c.Header("ETag", etag)
		if matchesETag(c.GetHeader("If-None-Match"), etag) {
			c.AbortWithStatus(http.StatusNotModified)
			return nil
		}
		feat = appendActivity(nil, a, keepSet(pg.Properties))
	} else if feat, err = col.one(s.store, c.Request.Context(), viewerOf(c), id, pg.Properties); err != nil {
		return err
	}
	var doc map[string]any
	if err := json.Unmarshal(feat, &doc); err != nil {
		return err
	}
	doc["links"] = itemLinks(c, col, "/collections/"+col.ID+"/items/"+c.Param("id"))
	return writeJSON(c, mediaGeoJSON, doc)
}

// itemLinks are the links of one feature at path.
func itemLinks(c *gin.Context, col collection, path string) []link {
	return []link{
		{Href: abs(c, path), Rel: "self", Type: mediaGeoJSON, Title: "this feature"},
		{Href: abs(c, "/collections/"+col.ID), Rel: "collection", Type: mediaJSON, Title: col.Title},
	}
}

// activitiesCollection is the activities' collection description.
func activitiesCollection() collection {
	col, _ := collectionByID("activities")
	return col
}
