package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/commonground/commonground/api"
	"github.com/commonground/commonground/geo"
)

// countingStore records the store calls a request makes. Only DataVersion
// (read by the ETag middleware before every data handler) answers; any
// other call reaches the nil Store inside and panics, which the server
// answers with a 500. It stands in for the database in one test only, to
// show the absence of calls; every other test runs on PostGIS.
type countingStore struct {
	api.Store
	mu    sync.Mutex
	calls []string
}

func (s *countingStore) DataVersion(context.Context) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, "DataVersion")
	return 1, nil
}

// A filter that does not parse, names an unknown queryable or compares a
// queryable with the wrong type is a 400 naming the filter parameter on
// every endpoint that takes filters, before any store call.
func TestBadFilterStopsBeforeTheStore(t *testing.T) {
	filters := map[string]string{
		"syntax":         "status%3D",
		"unknown":        "colour%3D'red'",
		"wrong type":     "budget%3D'x'",
		"not a geometry": "S_INTERSECTS(title,POINT(1%202))",
	}
	paths := []string{
		"/collections/activities/items", "/collections/activities/export", "/stats",
		"/overlaps", "/overlaps/matrix", "/overlaps/hotspots", "/organisations/1/overlaps", "/activities/1/overlaps",
		"/tiles/activities.json", "/style.json", "/tiles/activities/8/150/120.mvt",
	}
	for name, filter := range filters {
		for _, path := range paths {
			t.Run(name+" "+path, func(t *testing.T) {
				store := &countingStore{}
				reg := prometheus.NewRegistry()
				srv := api.New(store, slog.New(slog.NewTextHandler(io.Discard, nil)),
					api.Config{HandlerTimeout: 5 * time.Second, MaxBodyBytes: 1 << 20}, nil, reg, reg)
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path+"?filter="+filter, nil))
				p := problem(t, rec, http.StatusBadRequest)
				if p.Code != geo.EInvalid || len(p.Errors) != 1 || p.Errors[0].Parameter != "filter" {
					t.Errorf("problem %+v, want invalid naming filter", p)
				}
				if !slices.Equal(store.calls, []string{"DataVersion"}) {
					t.Errorf("store calls %v, want only the ETag's DataVersion", store.calls)
				}
			})
		}
	}
}
