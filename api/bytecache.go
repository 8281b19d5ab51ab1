package api

import (
	"sync"

	lru "github.com/hashicorp/golang-lru/v2"
)

// The in-process caches keep at most tileCacheSize answers and their byte
// budget of them (tiles: Config.TileCacheBytes, default
// defaultTileCacheBytes), whichever comes first.
const (
	tileCacheSize         = 8192
	defaultTileCacheBytes = 256 << 20
	// statsCacheBytes bounds the /stats answers kept (a few kB each).
	statsCacheBytes = 16 << 20
)

// byteCache keeps rendered answers: tiles, and /stats. Their keys hold the
// data version and the viewer's visibility class (and for a tile the layers,
// the tile and the normalised filter; for /stats the query), so a change to
// the data is never served stale and nothing is shared across visibility
// classes.
type byteCache struct {
	mu     sync.Mutex
	lru    *lru.Cache[string, []byte]
	bytes  int
	budget int
	off    bool
}

func newByteCache(budget int64, off bool) *byteCache {
	if budget <= 0 {
		budget = defaultTileCacheBytes
	}
	tc := &byteCache{budget: int(budget), off: off}
	c, err := lru.NewWithEvict[string, []byte](tileCacheSize, func(_ string, b []byte) { tc.bytes -= len(b) })
	if err != nil {
		panic(err)
	}
	tc.lru = c
	return tc
}

// Get returns a cached tile.
func (tc *byteCache) Get(key string) ([]byte, bool) {
	if tc.off {
		return nil, false
	}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return tc.lru.Get(key)
}

// Add caches a tile, evicting the least recently used ones beyond the byte
// budget.
func (tc *byteCache) Add(key string, b []byte) {
	if tc.off {
		return
	}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if old, ok := tc.lru.Peek(key); ok {
		tc.bytes -= len(old) // replaced without an eviction callback
	}
	tc.lru.Add(key, b)
	tc.bytes += len(b)
	for tc.bytes > tc.budget && tc.lru.Len() > 1 {
		tc.lru.RemoveOldest()
	}
}
