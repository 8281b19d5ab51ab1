package api_test

import (
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/postgis"
)

func TestFrontendAssets(t *testing.T) {
	assets := fstest.MapFS{
		"index.html":        {Data: []byte("<!doctype html><title>CommonGround</title>")},
		"assets/index-1.js": {Data: []byte("console.log(1)")},
		"assets/worker.mjs": {Data: []byte("self.onmessage=null")},
		"favicon.svg":       {Data: []byte("<svg/>")},
		".gitkeep":          {Data: nil},
	}
	e := newEnv(t, refURL, postgis.Config{}, assets)
	tests := []struct {
		path, cache, ctype string
	}{
		{"/", "no-cache", "text/html"},
		{"/assets/index-1.js", "immutable", "javascript"},
		{"/assets/worker.mjs", "immutable", "javascript"},
		{"/favicon.svg", "max-age=300", "image/svg+xml"},
	}
	for _, tt := range tests {
		rec := e.do(t, http.MethodGet, tt.path, "Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
		if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Cache-Control"), tt.cache) ||
			!strings.Contains(rec.Header().Get("Content-Type"), tt.ctype) {
			t.Errorf("%s = %d, Cache-Control %q, Content-Type %q", tt.path, rec.Code,
				rec.Header().Get("Cache-Control"), rec.Header().Get("Content-Type"))
		}
	}
	for _, path := range []string{"/.gitkeep", "/assets/missing.js", "/index.html", "/assets/"} {
		problem(t, e.do(t, http.MethodGet, path), http.StatusNotFound)
	}
}

func TestFrontendNotBuilt(t *testing.T) {
	e := newEnv(t, refURL, postgis.Config{}, nil)
	p := problem(t, e.do(t, http.MethodGet, "/", "Accept", "text/html"), http.StatusServiceUnavailable)
	if p.Code != geo.EUnavailable || !strings.Contains(p.Detail, "make frontend") {
		t.Errorf("unbuilt app answer: %+v", p)
	}
}
