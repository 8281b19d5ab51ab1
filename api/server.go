// Package api is CommonGround's HTTP layer (gin): it parses requests, calls
// the store and renders JSON, GeoJSON and problem+json. It declares the Store
// it needs and never imports the database packages.
package api

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/commonground/commonground/geo"
)

// Store is what the HTTP layer needs from the database.
type Store interface {
	// Ready returns nil when the database answers and has the expected
	// schema, else an EUnavailable error.
	Ready(ctx context.Context) error
	// Countries returns a page of countries and the total count.
	Countries(ctx context.Context, limit, offset int) ([]geo.Country, int64, error)
}

// Config holds the HTTP layer's limits.
type Config struct {
	HandlerTimeout time.Duration // deadline of every request's context
	MaxBodyBytes   int64         // request body cap
	ReadyTimeout   time.Duration // budget of the /readyz database check
}

// Server is the HTTP handler plus the readiness switch main flips on drain.
type Server struct {
	http.Handler
	draining *atomic.Bool
}

// Drain makes /readyz answer 503 from now on, so load balancers stop sending
// new requests while in-flight ones finish.
func (s *Server) Drain() { s.draining.Store(true) }

type server struct {
	store    Store
	log      *slog.Logger
	cfg      Config
	draining *atomic.Bool
	metrics  *metrics
	assets   fs.FS // built web app; nil when not built
}

// New builds the router. assets is the built web app (nil when it has not
// been built, in which case / says how to build it). reg receives the HTTP
// metrics; /metrics serves gatherer.
func New(store Store, log *slog.Logger, cfg Config, assets fs.FS, reg prometheus.Registerer, gatherer prometheus.Gatherer) *Server {
	gin.SetMode(gin.ReleaseMode)
	if cfg.ReadyTimeout <= 0 {
		cfg.ReadyTimeout = 2 * time.Second
	}
	s := &server{store: store, log: log, cfg: cfg, draining: new(atomic.Bool), metrics: newMetrics(reg), assets: assets}

	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	r.Use(withRequestID, s.metrics.observe, s.logRequests, s.recoverPanics, s.withDeadline, s.limitBody)

	r.GET("/livez", s.livez)
	r.GET("/readyz", s.wrap(s.readyz))
	r.GET("/metrics", gin.WrapH(metricsHandler(gatherer)))
	r.GET("/collections/countries/items", s.wrap(s.countryItems))
	s.routeFrontend(r)

	r.NoMethod(simpleProblem(http.StatusMethodNotAllowed, geo.EInvalid, "method not allowed on this resource"))
	return &Server{Handler: r, draining: s.draining}
}
