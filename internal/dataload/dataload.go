// Package dataload loads the embedded reference data and the generated demo
// alliance into the store. `commonground load-reference`, `commonground
// seed-demo` and the test templates of pgtest share it, so the data a test
// sees is the data an operator loads.
package dataload

import (
	"context"
	"fmt"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/demo"
	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/geo/reference"
)

// Reference loads the UN regions, Natural Earth countries and GeoNames places
// embedded in the binary. It is idempotent.
func Reference(ctx context.Context, s *postgis.Store) (postgis.ReferenceCounts, error) {
	regions, err := reference.Regions()
	if err != nil {
		return postgis.ReferenceCounts{}, fmt.Errorf("dataload: regions: %w", err)
	}
	countries, err := reference.Countries()
	if err != nil {
		return postgis.ReferenceCounts{}, fmt.Errorf("dataload: countries: %w", err)
	}
	var places []geo.Place
	err = reference.Places(func(p geo.Place) error {
		places = append(places, p)
		return nil
	})
	if err != nil {
		return postgis.ReferenceCounts{}, fmt.Errorf("dataload: places: %w", err)
	}
	n, err := s.LoadReference(ctx, regions, countries, places)
	if err != nil {
		return n, err
	}
	// So a server started next finds the tile aggregates fresh.
	if _, err := s.RefreshTileAggregates(ctx); err != nil {
		return n, err
	}
	return n, nil
}

// Demo generates the demo alliance from the loaded reference data and
// upserts it. It is idempotent; it fails with EInvalid when the reference
// data has not been loaded.
func Demo(ctx context.Context, s *postgis.Store) (postgis.DatasetCounts, demo.Dataset, error) {
	ds, err := DemoDataset(ctx, s)
	if err != nil {
		return postgis.DatasetCounts{}, ds, err
	}
	n, err := s.UpsertDataset(ctx, ds.Organisations, ds.Programmes, ds.Activities)
	if err != nil {
		return n, ds, err
	}
	// So a server started next finds the tile aggregates fresh.
	if _, err := s.RefreshTileAggregates(ctx); err != nil {
		return n, ds, err
	}
	return n, ds, nil
}

// DemoDataset generates the demo alliance from the loaded reference data
// without writing it.
func DemoDataset(ctx context.Context, s *postgis.Store) (demo.Dataset, error) {
	codes, err := s.CountryCodes(ctx)
	if err != nil {
		return demo.Dataset{}, err
	}
	if len(codes) == 0 {
		return demo.Dataset{}, geo.Errorf(geo.EInvalid, "no countries loaded: run `commonground load-reference` first")
	}
	cities, err := s.PlacesAbove(ctx, demo.MinCityPopulation)
	if err != nil {
		return demo.Dataset{}, err
	}
	ds, err := demo.Generate(cities, codes)
	if err != nil {
		return demo.Dataset{}, &geo.Error{Code: geo.EInvalid, Message: "cannot generate demo data from the loaded places", Err: err}
	}
	return ds, nil
}
