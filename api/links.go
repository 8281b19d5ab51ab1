package api

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
)

// link is an OGC API link object.
type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// baseURL is the scheme and host the client used.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// abs returns the absolute URL of path on this server.
func abs(c *gin.Context, path string) string { return baseURL(c.Request) + path }

// pageLinks returns absolute self, next and prev links that keep every
// parameter of the request.
func pageLinks(c *gin.Context, q url.Values, pg geo.Page, returned int, matched int64) []link {
	base := abs(c, c.Request.URL.Path)
	at := func(off int) string {
		v := url.Values{}
		for k, vals := range q {
			v[k] = vals
		}
		v.Set("limit", strconv.Itoa(pg.Limit))
		v.Set("offset", strconv.Itoa(off))
		return base + "?" + v.Encode()
	}
	links := []link{{Href: at(pg.Offset), Rel: "self", Type: mediaGeoJSON, Title: "this page"}}
	if int64(pg.Offset+returned) < matched && returned > 0 {
		links = append(links, link{Href: at(pg.Offset + pg.Limit), Rel: "next", Type: mediaGeoJSON, Title: "next page"})
	}
	if pg.Offset > 0 {
		links = append(links, link{Href: at(max(0, pg.Offset-pg.Limit)), Rel: "prev", Type: mediaGeoJSON, Title: "previous page"})
	}
	return links
}
