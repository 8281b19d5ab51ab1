// Package postgis is CommonGround's store: SQL over pgx/v5 against
// PostgreSQL + PostGIS, which does the spatial work. It turns rows into geo
// types and database errors into *geo.Error.
package postgis

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/commonground/commonground/geo"
)

// Config tunes the connection pool.
type Config struct {
	URL              string        // libpq URL or key=value DSN
	MaxConns         int32         // 0: pgx default (max(4, NumCPU))
	StatementTimeout time.Duration // server-side statement_timeout; 0 disables it
	ConnectTimeout   time.Duration // 0: 5 s
	// QueryVersion reads the data version from the database on every
	// DataVersion call instead of using the notified one (see Watch).
	QueryVersion bool
	// JIT sets PostgreSQL's jit for the pool's sessions: "on", "off", or
	// "" / "server" to leave the server's setting.
	JIT string
	// Account lifetimes; 0 takes the default. A session ends SessionIdle
	// after it was last used (12 h) or SessionMax after sign-in (7 days);
	// an invitation link lasts InvitationTTL (7 days), a reset link
	// ResetTTL (24 h).
	SessionIdle   time.Duration
	SessionMax    time.Duration
	InvitationTTL time.Duration
	ResetTTL      time.Duration
}

// Account lifetime defaults (see Config).
const (
	DefaultSessionIdle   = 12 * time.Hour
	DefaultSessionMax    = 7 * 24 * time.Hour
	DefaultInvitationTTL = 7 * 24 * time.Hour
	DefaultResetTTL      = 24 * time.Hour
)

// lifetimes are the account lifetimes a Store uses.
type lifetimes struct {
	sessionIdle, sessionMax, invitation, reset time.Duration
}

func lifetimesOf(cfg Config) lifetimes {
	or := func(d, def time.Duration) time.Duration {
		if d > 0 {
			return d
		}
		return def
	}
	return lifetimes{
		sessionIdle: or(cfg.SessionIdle, DefaultSessionIdle),
		sessionMax:  or(cfg.SessionMax, DefaultSessionMax),
		invitation:  or(cfg.InvitationTTL, DefaultInvitationTTL),
		reset:       or(cfg.ResetTTL, DefaultResetTTL),
	}
}

// Store reads and writes CommonGround's data. It is safe for concurrent use.
type Store struct {
	pool         *pgxpool.Pool
	counts       *countCache
	watch        *versionWatch
	queryVersion bool
	overlapIdx   overlapIndexHolder
	life         lifetimes
	auth         *authCache
	signIns      atomic.Uint64 // sign-ins so far, for pruning 1 in pruneEvery
}

// ParseConfig validates cfg and returns the pool configuration. Its errors
// are *geo.Error with code EInvalid and never contain the password.
func ParseConfig(cfg Config) (*pgxpool.Config, error) {
	pc, err := pgxpool.ParseConfig(cfg.URL)
	if err != nil {
		// pgx's message quotes the URL with the password masked; keep only
		// the reason so a log line never carries the DSN.
		return nil, &geo.Error{Code: geo.EInvalid, Message: "DATABASE_URL is not a valid PostgreSQL URL or DSN", Err: err}
	}
	if cfg.MaxConns > 0 {
		pc.MaxConns = cfg.MaxConns
	}
	pc.ConnConfig.ConnectTimeout = cfg.ConnectTimeout
	if pc.ConnConfig.ConnectTimeout <= 0 {
		pc.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	if cfg.StatementTimeout > 0 {
		pc.ConnConfig.RuntimeParams["statement_timeout"] = strconv.FormatInt(cfg.StatementTimeout.Milliseconds(), 10)
	}
	switch cfg.JIT {
	case "on", "off":
		pc.ConnConfig.RuntimeParams["jit"] = cfg.JIT
	case "", "server":
	default:
		return nil, &geo.Error{Code: geo.EInvalid, Message: "JIT must be on, off or server"}
	}
	if _, ok := pc.ConnConfig.RuntimeParams["application_name"]; !ok {
		pc.ConnConfig.RuntimeParams["application_name"] = "commonground"
	}
	pc.HealthCheckPeriod = 5 * time.Second
	return pc, nil
}

// Open creates the pool without waiting for the database: the server starts
// and answers /livez while the database is still coming up; queries made
// meanwhile fail with EUnavailable.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	pc, err := ParseConfig(cfg)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("postgis: open: %w", translate(err))
	}
	return &Store{pool: pool, counts: newCountCache(4096), watch: newVersionWatch(), queryVersion: cfg.QueryVersion, life: lifetimesOf(cfg), auth: newAuthCache(authCacheSize)}, nil
}

// Close waits for acquired connections to be released and closes the pool.
func (s *Store) Close() { s.pool.Close() }

// WaitReady pings the database until it answers or ctx ends, so commands run
// right after the database starts do not fail on the first try.
func (s *Store) WaitReady(ctx context.Context) error {
	for {
		err := s.pool.Ping(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("postgis: wait for database: %w", translate(err))
		case <-time.After(500 * time.Millisecond):
		}
	}
}
