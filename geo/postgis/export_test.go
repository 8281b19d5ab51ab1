package postgis

import (
	"fmt"

	"github.com/commonground/commonground/geo"
)

// OverlapSQL is the SQL Overlaps runs, for explaining it in tests.
func OverlapSQL(v geo.Viewer, oq geo.OverlapQuery) (string, []any, error) {
	var q query
	pairs, err := overlapPairs(&q, v, oq)
	if err != nil {
		return "", nil, err
	}
	return pairs + fmt.Sprintf(overlapPageSQL, q.arg(oq.MinScore)+"::float8", q.arg(oq.Page.Limit), q.arg(oq.Page.Offset)), q.args, nil
}

// UseOverlapSQL makes every overlap request run the SQL statement of the
// rule, the reference the Go pass is held to.
func (s *Store) UseOverlapSQL() {
	s.overlapIdx.mu.Lock()
	defer s.overlapIdx.mu.Unlock()
	s.overlapIdx.sql = true
}
