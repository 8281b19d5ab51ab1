package api

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
)

// dataVersionKey holds the data version conditional read, for handlers
// that key caches by it.
const dataVersionKey = "data_version"

// conditional gives data responses an ETag derived from the data version,
// the viewer's visibility class and the request (URL and negotiated
// representation), and answers If-None-Match with 304 before any query
// runs. Any change to the data bumps the version, so no stale answer is
// ever confirmed. Anonymous answers may be cached by shared caches; others
// are private.
func (s *server) conditional(c *gin.Context) {
	version, err := s.store.DataVersion(c.Request.Context())
	if err != nil {
		s.problem(c, err)
		return
	}
	c.Set(dataVersionKey, version)
	v := viewerOf(c)
	etag := `W/"` + strconv.FormatInt(version, 10) + "-" + representationHash(c.Request.URL.RequestURI(), c.GetHeader("Accept"), v) + `"`
	c.Header("ETag", etag)
	c.Header("Vary", "Accept, Accept-Encoding, Cookie, Authorization")
	if v.Public() {
		c.Header("Cache-Control", "public, max-age=0, must-revalidate")
	} else {
		c.Header("Cache-Control", "private, max-age=0, must-revalidate")
	}
	if matchesETag(c.GetHeader("If-None-Match"), etag) {
		c.AbortWithStatus(http.StatusNotModified)
		return
	}
	c.Next()
}

// representationHash identifies what an answer represents: the request
// (path and query), its negotiated representation and the viewer's
// visibility class.
func representationHash(uri, accept string, v geo.Viewer) string {
	h := sha256.Sum256([]byte(uri + "\n" + accept + "\n" + v.Class()))
	return hex.EncodeToString(h[:8])
}

// rowETag is the strong ETag of one activity: its row version (what
// If-Match checks, so other activities' changes never make a copy stale),
// then the data version and the representation (what If-None-Match
// checks, since the answer also shows organisations' and programmes'
// names).
func rowETag(version int, dataVersion int64, hash string) string {
	return `"` + strconv.Itoa(version) + "." + strconv.FormatInt(dataVersion, 10) + "-" + hash + `"`
}

// matchesETag compares weakly, as If-None-Match does.
func matchesETag(header, etag string) bool {
	if header == "" {
		return false
	}
	if strings.TrimSpace(header) == "*" {
		return true
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(header, ",") {
		if strings.TrimPrefix(strings.TrimSpace(t), "W/") == want {
			return true
		}
	}
	return false
}
