package api

import (
	"fmt"
	"testing"
)

// The tile cache holds to its byte budget, evicting the least recently
// used tiles, and counts replaced tiles once.
func TestTileCacheByteBudget(t *testing.T) {
	const budget = 1 << 20
	tc := newByteCache(budget, false)
	big := make([]byte, budget/4+1)
	for i := range 5 {
		tc.Add(fmt.Sprint(i), big)
	}
	if tc.bytes > budget {
		t.Errorf("cache holds %d bytes, budget %d", tc.bytes, budget)
	}
	if _, ok := tc.Get("0"); ok {
		t.Error("the oldest tile survived past the budget")
	}
	if _, ok := tc.Get("4"); !ok {
		t.Error("the newest tile was evicted")
	}
	before := tc.bytes
	tc.Add("4", big)
	if tc.bytes != before {
		t.Errorf("replacing a tile moved the count from %d to %d", before, tc.bytes)
	}
	if d := newByteCache(0, false); d.budget != defaultTileCacheBytes {
		t.Errorf("budget 0 gave %d, want the default %d", d.budget, defaultTileCacheBytes)
	}
}

// A cache turned off keeps nothing.
func TestTileCacheOff(t *testing.T) {
	tc := newByteCache(0, true)
	tc.Add("k", []byte("tile"))
	if _, ok := tc.Get("k"); ok {
		t.Error("a cache turned off returned a tile")
	}
}
