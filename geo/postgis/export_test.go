package postgis

import (
	"fmt"

	"github.com/commonground/commonground/geo"
)

// OverlapSQL is the reference SQL statement of the overlap rule for oq
// (overlaps_reference_test.go), for explaining it in tests.
func OverlapSQL(v geo.Viewer, oq geo.OverlapQuery) (string, []any, error) {
	var q query
	pairs, err := overlapPairs(&q, v, oq)
	if err != nil {
		return "", nil, err
	}
	return pairs + fmt.Sprintf(overlapPageSQL, q.arg(oq.MinScore)+"::float8", q.arg(oq.Page.Limit), q.arg(oq.Page.Offset)), q.args, nil
}

// AuthCacheHits is how many session and token lookups s answered from its
// account cache.
func AuthCacheHits(s *Store) uint64 { return s.auth.hits.Load() }
