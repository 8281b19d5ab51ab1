package api

import (
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
)

// The embedded web app: index.html at / for browsers (revalidated on every
// load), hashed files under /assets/ (cached for a year), other files of the
// build at their path; anything else is a 404 problem.

func (s *server) index(c *gin.Context) error {
	if s.assets == nil {
		return geo.Errorf(geo.EUnavailable, "the web app has not been built: run `make frontend`")
	}
	page, err := fs.ReadFile(s.assets, "index.html")
	if err != nil {
		return fmt.Errorf("read index.html: %w", err)
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "text/html; charset=utf-8", page)
	return nil
}

func (s *server) staticFile(c *gin.Context) error {
	name := strings.TrimPrefix(path.Clean(c.Request.URL.Path), "/")
	if s.assets == nil || (c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead) ||
		name == "" || name == "index.html" || strings.HasPrefix(path.Base(name), ".") {
		return geo.Errorf(geo.ENotFound, "no such resource: %s", c.Request.URL.Path)
	}
	st, err := fs.Stat(s.assets, name)
	if err != nil || st.IsDir() {
		return geo.Errorf(geo.ENotFound, "no such resource: %s", c.Request.URL.Path)
	}
	if strings.HasPrefix(name, "assets/") {
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Header("Cache-Control", "public, max-age=300")
	}
	c.FileFromFS(name, http.FS(s.assets))
	return nil
}
