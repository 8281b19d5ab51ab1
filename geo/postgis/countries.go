package postgis

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/commonground/commonground/geo"
)

// countrySimplify is the tolerance, in degrees, of the country outlines
// Countries returns: about 2 km, plenty for a world map (vector tiles
// simplify per zoom). Measured on the 1:10m data: 0.01 gives 4.0 MB of
// GeoJSON, 0.02 gives 2.3 MB.
const countrySimplify = 0.02

const selectCountries = `
SELECT id, iso_a2, iso_a3, COALESCE(iso_numeric, ''), name, COALESCE(region_code, ''),
	COALESCE(sub_region_code, ''), COALESCE(intermediate_region_code, ''),
	ST_AsBinary(ST_Multi(ST_SimplifyPreserveTopology(geom, $3))),
	count(*) OVER ()
FROM countries
ORDER BY iso_a2
LIMIT $1 OFFSET $2`

// Countries returns a page of countries ordered by ISO code, with outlines
// simplified for a world map, and the total number of countries.
func (s *Store) Countries(ctx context.Context, limit, offset int) ([]geo.Country, int64, error) {
	rows, err := s.pool.Query(ctx, selectCountries, limit, offset, countrySimplify)
	if err != nil {
		return nil, 0, fmt.Errorf("postgis: countries: %w", translate(err))
	}
	defer rows.Close()
	var out []geo.Country
	var total int64
	for rows.Next() {
		var c geo.Country
		var b []byte
		err := rows.Scan(&c.ID, &c.ISOA2, &c.ISOA3, &c.ISONumeric, &c.Name, &c.RegionCode, &c.SubRegionCode,
			&c.IntermediateRegionCode, &b, &total)
		if err != nil {
			return nil, 0, fmt.Errorf("postgis: countries: %w", translate(err))
		}
		g, err := wkb.Unmarshal(b)
		if err != nil {
			return nil, 0, fmt.Errorf("postgis: countries: %s: %w", c.ISOA2, err)
		}
		mp, ok := g.(orb.MultiPolygon)
		if !ok {
			return nil, 0, fmt.Errorf("postgis: countries: %s: geometry is %T, want MultiPolygon", c.ISOA2, g)
		}
		c.Geometry = mp
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("postgis: countries: %w", translate(err))
	}
	if len(out) == 0 && offset > 0 {
		if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM countries`).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("postgis: countries: %w", translate(err))
		}
	}
	return out, total, nil
}
