package api_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/commonground/commonground/api"
	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/internal/pgtest"
)

// BenchmarkWarmTile is the server's work for a cached tile, in process
// (no network), with every middleware and the data version from
// notifications, against a bare gin handler writing the same bytes.
//
//	go test -run '^$' -bench WarmTile -benchmem ./api/
func BenchmarkWarmTile(b *testing.B) {
	dbURL := pgtest.New(b, pgtest.Demo)
	e := newEnv(b, dbURL, postgis.Config{}, nil)
	e.watch(b)
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	reg := prometheus.NewRegistry()
	srv := api.New(e.store, log, api.Config{HandlerTimeout: 5 * time.Second, MaxBodyBytes: 1 << 20}, nil, reg, reg)
	const path = "/tiles/clusters/2/2/1.mvt"
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	body := rec.Body.Bytes()
	if rec.Code != http.StatusOK || len(body) == 0 {
		b.Fatalf("%d", rec.Code)
	}
	run := func(b *testing.B, h http.Handler) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		b.ReportAllocs()
		for b.Loop() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatal(w.Code)
			}
		}
	}
	b.Run("server", func(b *testing.B) { run(b, srv) })
	b.Run("bare-gin", func(b *testing.B) {
		g := gin.New()
		g.GET("/tiles/:layers/:z/:x/:y", func(c *gin.Context) { c.Data(http.StatusOK, "application/vnd.mapbox-vector-tile", body) })
		run(b, g)
	})
}
