package postgis

import (
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/commonground/commonground/geo"
)

// accountsChannel is where notify_accounts (migration 009) says that a
// session, token, user or organisation name changed; PostgreSQL delivers it
// when the writing transaction commits.
const accountsChannel = "commonground_accounts"

// How long SessionUser and TokenUser keep an answer at most, and how many
// answers of each they keep.
const (
	authCacheTTL  = 30 * time.Second
	authCacheSize = 4096
)

// activityStamp is how often last_seen_at and last_used_at move: a kept
// answer ends when its stamp is this old, so the next lookup goes to the
// database and moves it, as without the cache.
const activityStamp = time.Minute

// authCache keeps recent answers of SessionUser and TokenUser, keyed by the
// hash of the secret, so a signed-in request need not ask the database. It
// keeps only live answers (a refused secret is not kept, so forged ones
// cannot fill it), each at most authCacheTTL and never past the end of the
// session or token, its idle limit or the next move of its activity stamp.
// The store uses it only while its listener is connected (Store.Notified):
// every account change notifies accountsChannel, and the listener flushes
// the cache on each notification and on every (re)connection, so a change
// made through any server on the database is seen as soon as its
// notification arrives; the store's own revoking methods also flush
// synchronously.
//
// A flush moves the generation, and an entry is served only while its
// generation is the current one. A lookup reads the generation before its
// query, so an answer read from a snapshot older than a change is never
// served after the flush that change causes, even if it is stored after
// that flush.
type authCache struct {
	gen      atomic.Uint64
	sessions *lru.Cache[[32]byte, authEntry]
	tokens   *lru.Cache[[32]byte, authEntry]

	hits, misses, flushes atomic.Uint64
}

// authEntry is one kept answer: the user, and the token for a token lookup.
type authEntry struct {
	gen   uint64
	until time.Time
	user  geo.User
	token geo.Token
}

func newAuthCache(size int) *authCache {
	s, err := lru.New[[32]byte, authEntry](size)
	if err != nil {
		panic(err) // only for a size below 1
	}
	t, _ := lru.New[[32]byte, authEntry](size)
	return &authCache{sessions: s, tokens: t}
}

// generation is read before the database lookup whose answer put keeps.
func (c *authCache) generation() uint64 { return c.gen.Load() }

// get returns the kept answer for key if it is of the current generation
// and not past its end.
func (c *authCache) get(l *lru.Cache[[32]byte, authEntry], key [32]byte) (authEntry, bool) {
	e, ok := l.Get(key)
	if ok && (e.gen != c.gen.Load() || !time.Now().Before(e.until)) {
		l.Remove(key)
		ok = false
	}
	if !ok {
		c.misses.Add(1)
		return authEntry{}, false
	}
	c.hits.Add(1)
	return e.clone(), true
}

// put keeps e for key for ttl, unless ttl is not positive or the cache was
// flushed since gen was read.
func (c *authCache) put(l *lru.Cache[[32]byte, authEntry], key [32]byte, gen uint64, ttl time.Duration, e authEntry) {
	if ttl <= 0 || gen != c.gen.Load() {
		return
	}
	e = e.clone()
	e.gen, e.until = gen, time.Now().Add(min(ttl, authCacheTTL))
	l.Add(key, e)
}

// flush forgets every kept answer.
func (c *authCache) flush() {
	c.gen.Add(1)
	c.flushes.Add(1)
	c.sessions.Purge()
	c.tokens.Purge()
}

// clone copies the pointed-to times, so callers never share them with the
// cache.
func (e authEntry) clone() authEntry {
	e.user.LastSignInAt = cloneTime(e.user.LastSignInAt)
	e.token.ExpiresAt = cloneTime(e.token.ExpiresAt)
	e.token.LastUsedAt = cloneTime(e.token.LastUsedAt)
	e.token.RevokedAt = cloneTime(e.token.RevokedAt)
	return e
}

func cloneTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

// seconds converts a number of seconds the database computed.
func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// sessionTTL is how long a session lookup may be kept: until the session's
// absolute end (expiresIn from now), its idle limit, or the next move of
// last_seen_at, whose age was age (moved just now when stale).
func sessionTTL(expiresIn, age float64, stale bool, idle time.Duration) time.Duration {
	ttl := min(authCacheTTL, seconds(expiresIn), idle)
	if !stale {
		ttl = min(ttl, idle-seconds(age), activityStamp-seconds(age))
	}
	return ttl
}

// tokenTTL is how long a token lookup may be kept: until the token expires
// (expiresIn from now, nil for never), or the next move of last_used_at,
// whose age was age (moved just now when stale).
func tokenTTL(expiresIn, age *float64, stale bool) time.Duration {
	ttl := authCacheTTL
	if expiresIn != nil {
		ttl = min(ttl, seconds(*expiresIn))
	}
	if !stale && age != nil {
		ttl = min(ttl, activityStamp-seconds(*age))
	}
	return ttl
}
