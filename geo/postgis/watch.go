package postgis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// versionChannel is where bump_data_version (migration 005) sends each new
// data version; PostgreSQL delivers it when the writing transaction
// commits.
const versionChannel = "commonground_data_version"

// listenerName is the application_name of Watch's connection.
const listenerName = "commonground watch"

// How Watch keeps the tile aggregates and the overlap index fresh: it
// rebuilds them aggregatesDebounce after the last change seen (so a burst
// of writes costs one rebuild) but at most aggregatesMaxSettle after the
// first, and also checks every aggregatesPoll when no notification comes
// (the listener down, or QueryVersion set).
const (
	aggregatesDebounce  = 500 * time.Millisecond
	aggregatesMaxSettle = 5 * time.Second
	aggregatesPoll      = 10 * time.Second
)

// versionWatch is the data version as last notified.
type versionWatch struct {
	live    atomic.Bool  // the listener is connected and has read the version
	version atomic.Int64 // highest version seen
	changed chan struct{}
}

func newVersionWatch() *versionWatch {
	return &versionWatch{changed: make(chan struct{}, 1)}
}

// seen records a version: the highest wins (the listener reads the current
// version after LISTEN, so an older notification may still arrive after
// it).
func (w *versionWatch) seen(v int64) {
	for {
		old := w.version.Load()
		if v <= old {
			return
		}
		if w.version.CompareAndSwap(old, v) {
			select {
			case w.changed <- struct{}{}:
			default:
			}
			return
		}
	}
}

// DataVersion returns the number that moves on every change of the data the
// map shows (activities, organisations, programmes, reference data). While
// Watch runs and its listener is connected, it is the version last
// notified, with no query; otherwise (or with Config.QueryVersion) it is
// read from the database.
//
// A notification arrives within about a millisecond of the writer's commit
// on the same machine; a request in that window still sees the previous
// version, as any reader whose snapshot predates the commit would.
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	if s.Notified() {
		return s.watch.version.Load(), nil
	}
	var v int64
	if err := s.pool.QueryRow(ctx, `SELECT version FROM data_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("postgis: data version: %w", translate(err))
	}
	return v, nil
}

// Notified reports whether DataVersion currently comes from notifications
// (Watch is running and its listener connected).
func (s *Store) Notified() bool { return !s.queryVersion && s.watch.live.Load() }

// Watch runs until ctx ends: it listens for data-version and account
// notifications on a connection of its own (reconnecting with back-off when
// it drops, while DataVersion falls back to a query and SessionUser and
// TokenUser to one per call) and rebuilds the tile aggregates and
// the overlap index after every change. The server runs it; commands and
// tests need not.
func (s *Store) Watch(ctx context.Context, log *slog.Logger) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.refreshLoop(ctx, log)
	}()
	backoff := 250 * time.Millisecond
	for ctx.Err() == nil {
		err := s.listen(ctx, func() { backoff = 250 * time.Millisecond })
		s.watch.live.Store(false)
		if ctx.Err() != nil {
			break
		}
		log.Warn("data version listener lost; reading the version per request until it reconnects",
			"err", err, "retry_in", backoff.String())
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 10*time.Second)
	}
	<-done
}

// listen holds one LISTEN connection, for the data version and for account
// changes (which flush the authCache), until it fails or ctx ends.
func (s *Store) listen(ctx context.Context, connected func()) error {
	cfg := s.pool.Config().ConnConfig
	cfg.RuntimeParams["application_name"] = listenerName
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return translate(err)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = conn.Close(cctx)
	}()
	for _, ch := range []string{versionChannel, accountsChannel} {
		if _, err := conn.Exec(ctx, `LISTEN `+ch); err != nil {
			return translate(err)
		}
	}
	// Account changes made while nobody listened were not heard.
	s.auth.flush()
	var v int64
	if err := conn.QueryRow(ctx, `SELECT version FROM data_version`).Scan(&v); err != nil {
		return translate(err)
	}
	s.watch.seen(v)
	s.watch.live.Store(true)
	connected()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return translate(err)
		}
		switch n.Channel {
		case accountsChannel:
			s.auth.flush()
		case versionChannel:
			if v, err := strconv.ParseInt(n.Payload, 10, 64); err == nil {
				s.watch.seen(v)
			}
		}
	}
}

// refreshLoop rebuilds the tile aggregates and the overlap index now,
// then after every change and every aggregatesPoll (which also catches the
// day changing, for the index). After a change it waits for
// aggregatesDebounce without another (so a burst of writes costs one
// rebuild), but never longer than aggregatesMaxSettle (so a steady stream
// of writes still gets them rebuilt), and it rests as long as the last
// rebuild took (so rebuilding takes at most half of one core however
// often people write; tiles and overlaps are computed per request
// meanwhile, never stale).
func (s *Store) refreshLoop(ctx context.Context, log *slog.Logger) {
	tick := time.NewTicker(aggregatesPoll)
	defer tick.Stop()
	for {
		start := time.Now()
		s.refreshOnce(ctx, log)
		took, ended := time.Since(start), time.Now()
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-s.watch.changed:
			if !s.settle(ctx) {
				return
			}
			if rest := took - time.Since(ended); rest > 0 && !sleepCtx(ctx, rest) {
				return
			}
		}
	}
}

// refreshOnce rebuilds whichever of the aggregates and the index is not of
// the current data version.
func (s *Store) refreshOnce(ctx context.Context, log *slog.Logger) {
	r, err := s.RefreshTileAggregates(ctx)
	switch {
	case ctx.Err() != nil:
		return
	case err != nil:
		log.Warn("tile aggregates not rebuilt; tiles are computed per request meanwhile", "err", err)
	case r.Built:
		log.Info("tile aggregates rebuilt", "data_version", r.Version, "cells", r.Cells,
			"duration_ms", r.Duration.Milliseconds())
	}
	o, err := s.RefreshOverlapIndex(ctx)
	switch {
	case ctx.Err() != nil:
	case err != nil:
		log.Warn("overlap index not rebuilt; overlaps are computed per request meanwhile", "err", err)
	case o.Built:
		log.Info("overlap index rebuilt", "data_version", o.Version, "activities", o.Activities,
			"overlaps", o.Overlaps, "duration_ms", o.Duration.Milliseconds())
	}
}

// settle waits until no change has come for aggregatesDebounce, or
// aggregatesMaxSettle has passed; false when ctx ended.
func (s *Store) settle(ctx context.Context) bool {
	first := time.Now()
	t := time.NewTimer(aggregatesDebounce)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-s.watch.changed:
			if time.Since(first) < aggregatesMaxSettle {
				t.Reset(aggregatesDebounce)
			}
		case <-t.C:
			return true
		}
	}
}

// sleepCtx sleeps for d; false when ctx ended first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// errNotFresh says the precomputed aggregates are not of the current data
// version; the caller computes the layer from the activities instead.
var errNotFresh = errors.New("postgis: tile aggregates not of the current data version")
