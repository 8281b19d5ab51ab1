package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/klauspost/compress/gzhttp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/commonground/commonground/api"
	"github.com/commonground/commonground/frontend"
	"github.com/commonground/commonground/geo/postgis"
)

// serve runs the HTTP server until ctx ends, then drains: /readyz turns 503,
// after the drain delay the listener closes, in-flight requests finish
// (within the shutdown timeout) and the pool closes.
func serve(ctx context.Context, stopSignals func(), cfg config, log *slog.Logger) error {
	return withStore(ctx, cfg, func(s *postgis.Store) error {
		if cfg.MigrateOnStart {
			from, to, err := s.Migrate(ctx)
			if err != nil {
				return err
			}
			log.Info("schema ready", "from_version", from, "to_version", to)
		} else if err := s.Ready(ctx); err != nil {
			return err
		}
		reg := prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
			s.PoolCollector())
		assets, built := frontend.Assets()
		if !built {
			log.Warn("the web app is not built: / answers 503 until `make frontend` runs before `go build`")
			assets = nil
		}
		sso, err := singleSignOn(ctx, cfg.OIDC, log)
		if err != nil {
			return err
		}
		acfg := api.Config{HandlerTimeout: cfg.HandlerTimeout, MaxBodyBytes: cfg.MaxBodyBytes,
			ExportTimeout: cfg.ExportTimeout, TileCacheBytes: cfg.TileCacheMB << 20, NoTileCache: cfg.TileCacheMB == 0,
			CookieSecure: cfg.CookieSecure, SSO: sso}
		m, err := cfg.mailer() // checked by loadConfig already
		if err != nil {
			return err
		}
		if m != nil { // a nil *mail.Sender must not become a non-nil Mailer
			acfg.Mailer = m
			log.Info("invitation and reset links are mailed", "relay", m.Addr())
		}
		h := api.New(s, log, acfg, assets, reg, reg)
		go s.Watch(ctx, log)
		return listenAndDrain(ctx, stopSignals, cfg, log, h)
	})
}

// singleSignOn makes the SSO of cfg (nil when off) and discovers the
// provider within the OIDC timeout. An unreachable provider does not stop
// the server: it is logged, password sign-in works, and each single
// sign-on tries discovery again until it works.
func singleSignOn(ctx context.Context, cfg oidcConfig, log *slog.Logger) (*api.SSO, error) {
	if !cfg.on() {
		return nil, nil
	}
	sso, err := api.NewSSO(cfg.api())
	if err != nil {
		return nil, fmt.Errorf("config: COMMONGROUND_OIDC_*: %w", err)
	}
	dctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	if err := sso.Discover(dctx); err != nil {
		log.Warn("single sign-on: the provider is not reachable; will try again at the first sign-in", "error", err)
	} else {
		log.Info("single sign-on ready", "issuer", cfg.Issuer)
	}
	return sso, nil
}

func listenAndDrain(ctx context.Context, stopSignals func(), cfg config, log *slog.Logger, h *api.Server) error {
	srv := &http.Server{
		Handler:           gzhttp.GzipHandler(h),
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	log.Info("listening", "addr", ln.Addr().String())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	stopSignals()
	h.Drain()
	log.Info("draining", "drain_delay", cfg.DrainDelay.String(), "shutdown_timeout", cfg.ShutdownTimeout.String())
	time.Sleep(cfg.DrainDelay)

	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: in-flight requests did not finish within %s: %w", cfg.ShutdownTimeout, err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}
