package postgis

import (
	"context"
	"crypto/sha256"
	"fmt"

	lru "github.com/hashicorp/golang-lru/v2"
)

// countCache remembers numberMatched per data version and query, so paging
// through a large result (GDAL fetches it page by page) counts it once.
// Keys include the data version, so a change to the data never serves a
// stale count; the viewer's visibility rule is part of the SQL and its
// arguments, so counts are never shared across visibility classes.
type countCache struct {
	lru *lru.Cache[[32]byte, int64]
}

func newCountCache(size int) *countCache {
	c, err := lru.New[[32]byte, int64](size)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return &countCache{lru: c}
}

// countActivities returns the number of rows of `SELECT count(*) FROM activities a
// WHERE <where>`, from the cache when the data has not changed since.
func (s *Store) countActivities(ctx context.Context, where string, args []any) (int64, error) {
	var version int64
	if err := s.pool.QueryRow(ctx, `SELECT version FROM data_version`).Scan(&version); err != nil {
		return 0, err
	}
	key := sha256.Sum256(fmt.Appendf(nil, "%d\x00%s\x00%#v", version, where, args))
	if n, ok := s.counts.lru.Get(key); ok {
		return n, nil
	}
	var n int64
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM activities a WHERE `+where, args...).Scan(&n); err != nil {
		return 0, err
	}
	s.counts.lru.Add(key, n)
	return n, nil
}
