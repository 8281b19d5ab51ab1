package postgis

import (
	"context"
	"fmt"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/overlaps"
)

// OverlapMatrix counts the overlaps oq selects for v per pair of lead
// organisations (oq's page is ignored). The public, unfiltered matrix
// comes from the overlap index; any other runs a pass.
func (s *Store) OverlapMatrix(ctx context.Context, v geo.Viewer, oq geo.OverlapQuery) (geo.OverlapMatrix, error) {
	out := geo.OverlapMatrix{Organisations: []geo.MatrixOrganisation{}, Cells: []geo.MatrixCell{}}
	if err := oq.Validate(); err != nil {
		return out, err
	}
	idx, err := s.currentOverlapIndex(ctx)
	if err != nil {
		return out, err
	}
	if !idx.serves(v, oq) || oq.MinScore != 0 {
		if idx, _, err = s.overlapPass(ctx, v, oq, overlaps.Options{Day: asOfDay(oq), MinScore: oq.MinScore}, false); err != nil {
			return out, fmt.Errorf("postgis: overlap matrix: %w", translate(err))
		}
	}
	return s.matrixOf(ctx, idx.MatrixCells(idx.codes))
}

// matrixOf is the matrix of cells (most overlaps first): their total and
// their organisations, by name.
func (s *Store) matrixOf(ctx context.Context, cells []geo.MatrixCell) (geo.OverlapMatrix, error) {
	out := geo.OverlapMatrix{Organisations: []geo.MatrixOrganisation{}, Cells: []geo.MatrixCell{}}
	var ids []int64
	seen := map[int64]bool{}
	for _, c := range cells {
		out.Cells = append(out.Cells, c)
		out.Overlaps += c.Overlaps
		for _, id := range []int64{c.A, c.B} {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	return s.matrixOrganisations(ctx, out, ids)
}

// matrixOrganisations adds the organisations of the matrix's cells.
func (s *Store) matrixOrganisations(ctx context.Context, out geo.OverlapMatrix, ids []int64) (geo.OverlapMatrix, error) {
	if len(ids) == 0 {
		return out, nil
	}
	orgs, err := s.pool.Query(ctx, `SELECT id, name, constituency FROM organisations WHERE id = ANY($1) ORDER BY name, id`, ids)
	if err != nil {
		return out, fmt.Errorf("postgis: overlap matrix: %w", translate(err))
	}
	defer orgs.Close()
	for orgs.Next() {
		var o geo.MatrixOrganisation
		var cons string
		if err := orgs.Scan(&o.ID, &o.Name, &cons); err != nil {
			return out, fmt.Errorf("postgis: overlap matrix: %w", translate(err))
		}
		o.Constituency = geo.Constituency(cons)
		out.Organisations = append(out.Organisations, o)
	}
	return out, orgs.Err()
}
