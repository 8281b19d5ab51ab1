package postgis

import (
	"testing"
	"time"

	"github.com/commonground/commonground/geo"
)

func TestSessionTTL(t *testing.T) {
	const idle = 12 * time.Hour
	for _, c := range []struct {
		name           string
		expiresIn, age float64
		stale          bool
		idle           time.Duration
		want           time.Duration
	}{
		{"fresh, far from every end", 86400, 10, false, idle, authCacheTTL},
		{"seen 50 s ago: until the stamp moves", 86400, 50, false, idle, 10 * time.Second},
		{"stale, just moved", 86400, 3600, true, idle, authCacheTTL},
		{"ends in 5 s", 5, 10, false, idle, 5 * time.Second},
		{"idle limit in 2 s", 86400, 20, false, 22 * time.Second, 2 * time.Second},
		{"stale with a short idle limit", 86400, 90, true, 20 * time.Second, 20 * time.Second},
		{"already past the stamp", 86400, 61, false, idle, -time.Second},
	} {
		if got := sessionTTL(c.expiresIn, c.age, c.stale, c.idle); got != c.want {
			t.Errorf("%s: sessionTTL = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestTokenTTL(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, c := range []struct {
		name           string
		expiresIn, age *float64
		stale          bool
		want           time.Duration
	}{
		{"never expires, never used (stale)", nil, nil, true, authCacheTTL},
		{"used 45 s ago", nil, f(45), false, 15 * time.Second},
		{"expires in 3 s", f(3), f(1), false, 3 * time.Second},
		{"stale, expires in a day", f(86400), f(3600), true, authCacheTTL},
	} {
		if got := tokenTTL(c.expiresIn, c.age, c.stale); got != c.want {
			t.Errorf("%s: tokenTTL = %v, want %v", c.name, got, c.want)
		}
	}
}

// An answer read before a flush is never served after it, even when it is
// stored after the flush; an entry past its end is not served.
func TestAuthCacheGenerations(t *testing.T) {
	c := newAuthCache(8)
	k := [32]byte{1}
	e := authEntry{user: geo.User{ID: 7}}

	g := c.generation()
	c.flush() // the change's notification arrives while the lookup runs
	c.put(c.sessions, k, g, time.Minute, e)
	if _, ok := c.get(c.sessions, k); ok {
		t.Error("an answer read before a flush was kept")
	}

	g = c.generation()
	c.put(c.sessions, k, g, time.Minute, e)
	c.flush()
	if _, ok := c.get(c.sessions, k); ok {
		t.Error("an answer was served after a flush")
	}

	g = c.generation()
	c.put(c.sessions, k, g, time.Minute, e)
	if got, ok := c.get(c.sessions, k); !ok || got.user.ID != 7 {
		t.Errorf("kept answer = %+v, %v", got, ok)
	}
	if _, ok := c.get(c.tokens, k); ok {
		t.Error("a session answer served as a token's")
	}

	c.put(c.tokens, k, g, time.Nanosecond, e)
	time.Sleep(time.Millisecond)
	if _, ok := c.get(c.tokens, k); ok {
		t.Error("an entry past its end was served")
	}
	c.put(c.tokens, k, g, 0, e)
	if _, ok := c.get(c.tokens, k); ok {
		t.Error("an answer with no time left was kept")
	}

	// Callers get their own copies of the times.
	at := time.Now()
	c.put(c.tokens, k, g, time.Minute, authEntry{token: geo.Token{LastUsedAt: &at}})
	got, _ := c.get(c.tokens, k)
	*got.token.LastUsedAt = time.Time{}
	if again, _ := c.get(c.tokens, k); !again.token.LastUsedAt.Equal(at) {
		t.Error("a caller changed the kept answer")
	}
}
