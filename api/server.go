// Package api is CommonGround's HTTP layer (gin): it parses requests, calls
// the store and renders JSON, GeoJSON and problem+json. It declares the Store
// it needs and never imports the database packages.
package api

import (
	"context"
	"encoding/json"
	"io/fs"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/internal/glyphs"
)

// Store is what the HTTP layer needs from the database. Every read takes
// the viewer; the store applies the visibility rule for it.
type Store interface {
	// Ready returns nil when the database answers and has the expected
	// schema, else an EUnavailable error.
	Ready(ctx context.Context) error
	// DataVersion moves on every change of the data the API shows.
	DataVersion(ctx context.Context) (int64, error)
	Extent(ctx context.Context, v geo.Viewer, collection string) (geo.Extent, error)
	ActivityPage(ctx context.Context, v geo.Viewer, f geo.ActivityFilter, p geo.Page) (geo.ActivityPage, error)
	Activity(ctx context.Context, v geo.Viewer, id int64) (geo.ActivityView, error)
	EachActivity(ctx context.Context, v geo.Viewer, f geo.ActivityFilter, p geo.Page, fn func(geo.ActivityView) error) error
	OrganisationFeatures(ctx context.Context, v geo.Viewer, f geo.ActivityFilter, p geo.Page) (geo.FeaturePage, error)
	Organisation(ctx context.Context, v geo.Viewer, id int64) (json.RawMessage, error)
	ProgrammeFeatures(ctx context.Context, v geo.Viewer, f geo.ActivityFilter, p geo.Page) (geo.FeaturePage, error)
	Programme(ctx context.Context, v geo.Viewer, id int64) (json.RawMessage, error)
	CountryFeatures(ctx context.Context, v geo.Viewer, f geo.ActivityFilter, p geo.Page) (geo.FeaturePage, error)
	Country(ctx context.Context, v geo.Viewer, id int64) (json.RawMessage, error)
	Stats(ctx context.Context, v geo.Viewer, f geo.ActivityFilter, by geo.GroupBy) (geo.Stats, error)
	Search(ctx context.Context, v geo.Viewer, text, asciiText string, limit int) ([]geo.SearchHit, error)
	Tile(ctx context.Context, v geo.Viewer, layers []string, t geo.Tile, f geo.ActivityFilter) ([]byte, error)
	Overlaps(ctx context.Context, v geo.Viewer, q geo.OverlapQuery) (geo.OverlapPage, error)
	OverlapMatrix(ctx context.Context, v geo.Viewer, q geo.OverlapQuery) (geo.OverlapMatrix, error)
	Hotspots(ctx context.Context, v geo.Viewer, q geo.HotspotQuery) (geo.HotspotPage, error)
	// Accounts: sign-in, sessions, tokens, users and the audit log.
	Accounts
	// Editing: writes of activities, their history and the vocabularies.
	Editing
}

// Config holds the HTTP layer's limits.
type Config struct {
	HandlerTimeout time.Duration // deadline of every request's context
	MaxBodyBytes   int64         // request body cap
	ReadyTimeout   time.Duration // budget of the /readyz database check
	ExportTimeout  time.Duration // deadline of an export, query and write
	TileCacheBytes int64         // tile cache budget; 0: 256 MB
	NoTileCache    bool          // render every tile (for measuring)
	// CookieSecure is when the session cookie is Secure: CookieSecureAuto
	// (the default, ""), CookieSecureAlways or CookieSecureNever.
	CookieSecure string
	// Mailer sends invitation and reset links; nil: none (links are only
	// shown to copy).
	Mailer Mailer
	// SSO is single sign-on with OpenID Connect; nil: off (its routes
	// answer 404 and /auth/me does not mention it).
	SSO *SSO
}

// exportRoute streams whole filtered sets and has its own deadline.
const exportRoute = "/collections/activities/export"

// Server is the HTTP handler plus the readiness switch main flips on drain.
type Server struct {
	http.Handler
	draining *atomic.Bool
	engine   *gin.Engine
}

// Route is one method and path template the server answers.
type Route struct{ Method, Path string }

// Routes lists the routes the router serves (gin templates, ":name").
func (s *Server) Routes() []Route {
	var out []Route
	for _, r := range s.engine.Routes() {
		out = append(out, Route{r.Method, r.Path})
	}
	return out
}

// Drain makes /readyz answer 503 from now on, so load balancers stop sending
// new requests while in-flight ones finish.
func (s *Server) Drain() { s.draining.Store(true) }

type server struct {
	store      Store
	log        *slog.Logger
	cfg        Config
	draining   *atomic.Bool
	metrics    *metrics
	assets     fs.FS // built web app; nil when not built
	tiles      *byteCache
	statsCache *byteCache // answers of /stats, by data version, visibility class and query
	glyphs     *glyphs.Set
}

// New builds the router. assets is the built web app (nil when it has not
// been built, in which case / says how to build it). reg receives the HTTP
// metrics; /metrics serves gatherer.
func New(store Store, log *slog.Logger, cfg Config, assets fs.FS, reg prometheus.Registerer, gatherer prometheus.Gatherer) *Server {
	gin.SetMode(gin.ReleaseMode)
	if cfg.ReadyTimeout <= 0 {
		cfg.ReadyTimeout = 2 * time.Second
	}
	if cfg.ExportTimeout <= 0 {
		cfg.ExportTimeout = 5 * time.Minute
	}
	fonts, err := glyphs.New()
	if err != nil {
		panic(err) // the fonts are compiled in: a build defect every test would catch
	}
	s := &server{store: store, log: log, cfg: cfg, draining: new(atomic.Bool), metrics: newMetrics(reg), assets: assets,
		tiles: newByteCache(cfg.TileCacheBytes, cfg.NoTileCache), statsCache: newByteCache(statsCacheBytes, false), glyphs: fonts}

	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	r.Use(withRequestID, s.metrics.observe, s.logRequests, s.recoverPanics, s.withDeadline, s.limitBody, s.authenticate)

	r.GET("/livez", s.livez)
	r.GET("/readyz", s.wrap(s.readyz))
	r.GET("/metrics", gin.WrapH(metricsHandler(gatherer)))
	r.GET("/", s.wrap(s.landing))
	r.HEAD("/", s.wrap(s.landing))
	r.GET("/conformance", s.wrap(s.conformance))
	r.GET("/api", s.wrap(s.openapi))
	r.GET("/api.html", s.wrap(s.openapiHTML))
	data := r.Group("", s.conditional)
	data.GET("/collections", s.wrap(s.collectionsList))
	data.GET("/collections/:collection", s.wrap(s.collectionOne))
	data.GET("/collections/:collection/queryables", s.wrap(s.queryables))
	data.GET("/collections/:collection/items", s.wrap(s.items))
	data.GET("/collections/:collection/items/:id", s.wrap(s.item))
	data.GET(exportRoute, s.wrap(s.export))
	data.GET("/stats", s.wrap(s.stats))
	data.GET("/search", s.wrap(s.search))
	data.GET("/overlaps", s.wrap(s.overlaps))
	data.GET("/overlaps/matrix", s.wrap(s.overlapMatrix))
	data.GET("/overlaps/hotspots", s.wrap(s.hotspots))
	data.GET("/organisations/:id/overlaps", s.wrap(s.overlaps))
	data.GET("/activities/:id/overlaps", s.wrap(s.activityOverlaps))
	data.GET("/tiles/:layers", s.wrap(s.tilejson))
	data.GET("/style.json", s.wrap(s.style))
	data.GET("/vocabularies", s.wrap(s.vocabularies))
	// A bad tile address is refused before conditional reads the data
	// version: no database work at all.
	r.GET("/tiles/:layers/:z/:x/:y", s.wrap(checkTileAddress), s.conditional, s.wrap(s.tile))
	r.HEAD("/tiles/:layers/:z/:x/:y", s.wrap(checkTileAddress), s.conditional, s.wrap(s.tile))
	// Glyphs depend on the font and range only, not on the data.
	r.GET(fontsRoute, s.wrap(s.fontRange))
	r.HEAD(fontsRoute, s.wrap(s.fontRange))
	s.accountRoutes(r)
	s.editRoutes(r)
	r.NoRoute(s.wrap(s.staticFile))

	r.NoMethod(simpleProblem(http.StatusMethodNotAllowed, geo.EInvalid, "method not allowed on this resource"))
	return &Server{Handler: crossOriginProtection(r), draining: s.draining, engine: r}
}
