package postgis

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/commonground/commonground/geo"
)

const selectPlacesAbove = `
SELECT geonameid, name, ascii_name, country_code, admin1_code, feature_code, population, ST_X(geom), ST_Y(geom)
FROM places WHERE population >= $1 ORDER BY geonameid`

// PlacesAbove returns the gazetteer's places with at least minPopulation
// inhabitants, ordered by GeoNames id.
func (s *Store) PlacesAbove(ctx context.Context, minPopulation int64) ([]geo.Place, error) {
	rows, err := s.pool.Query(ctx, selectPlacesAbove, minPopulation)
	if err != nil {
		return nil, fmt.Errorf("postgis: places: %w", translate(err))
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (geo.Place, error) {
		var p geo.Place
		var lon, lat float64
		err := row.Scan(&p.ID, &p.Name, &p.ASCIIName, &p.CountryCode, &p.Admin1Code, &p.FeatureCode, &p.Population, &lon, &lat)
		p.Point = orb.Point{lon, lat}
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgis: places: %w", translate(err))
	}
	return out, nil
}

// CountryCodes returns the ISO alpha-2 codes of the loaded countries.
func (s *Store) CountryCodes(ctx context.Context) (map[string]bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT iso_a2 FROM countries`)
	if err != nil {
		return nil, fmt.Errorf("postgis: country codes: %w", translate(err))
	}
	codes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("postgis: country codes: %w", translate(err))
	}
	out := make(map[string]bool, len(codes))
	for _, c := range codes {
		out[c] = true
	}
	return out, nil
}
