package api

import (
	"fmt"
	"testing"
)

// The tile cache holds to its byte budget, evicting the least recently
// used tiles, and counts replaced tiles once.
func TestTileCacheByteBudget(t *testing.T) {
	tc := newTileCache()
	big := make([]byte, tileCacheBytes/4+1)
	for i := range 5 {
		tc.Add(fmt.Sprint(i), big)
	}
	if tc.bytes > tileCacheBytes {
		t.Errorf("cache holds %d bytes, budget %d", tc.bytes, tileCacheBytes)
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
}
