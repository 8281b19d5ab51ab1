package postgis

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/commonground/commonground/geo"
)

// Vocabularies returns every code a write may use: the themes,
// currencies, constituencies and programme types the database holds (by
// name; constituencies and programme types in their own order), and the
// fixed vocabularies of geo.
func (s *Store) Vocabularies(ctx context.Context) (geo.Vocabularies, error) {
	out := geo.Vocabularies{Statuses: geo.Statuses, Visibilities: geo.Visibilities, Roles: geo.Roles,
		LocationKinds: geo.LocationKinds, Precisions: geo.Precisions}
	var b pgx.Batch
	terms := func(sql string, dst *[]geo.Term) {
		b.Queue(sql).Query(func(rows pgx.Rows) error {
			var err error
			*dst, err = pgx.CollectRows(rows, pgx.RowToStructByPos[geo.Term])
			return err
		})
	}
	terms(`SELECT code, name FROM themes ORDER BY name, code`, &out.Themes)
	terms(`SELECT code::text, name FROM currencies ORDER BY code`, &out.Currencies)
	terms(`SELECT code, name FROM constituencies ORDER BY sort_order, code`, &out.Constituencies)
	terms(`SELECT code, name FROM programme_types ORDER BY code`, &out.ProgrammeTypes)
	if err := s.pool.SendBatch(ctx, &b).Close(); err != nil {
		return geo.Vocabularies{}, fmt.Errorf("postgis: vocabularies: %w", translate(err))
	}
	return out, nil
}
