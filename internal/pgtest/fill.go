package pgtest

import (
	"context"
	"encoding/json"
	"fmt"
	"hash"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/demo"
	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/geo/reference"
	"github.com/commonground/commonground/internal/dataload"
)

// fill migrates the database at dbURL and loads the data of level.
func fill(ctx context.Context, dbURL string, level Level) error {
	s, err := postgis.Open(ctx, postgis.Config{URL: dbURL, MaxConns: 2})
	if err != nil {
		return err
	}
	defer s.Close()
	if _, _, err := s.Migrate(ctx); err != nil {
		return err
	}
	if level >= Reference {
		if _, err := dataload.Reference(ctx, s); err != nil {
			return err
		}
	}
	if level >= Demo {
		if _, _, err := dataload.Demo(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

// hashData adds the reference data (and, for Demo, a sample of the demo
// generator's output) to the template fingerprint, so a change to either
// builds a new template.
func hashData(h hash.Hash, level Level) error {
	enc := json.NewEncoder(h)
	regions, err := reference.Regions()
	if err != nil {
		return err
	}
	countries, err := reference.Countries()
	if err != nil {
		return err
	}
	if err := enc.Encode(regions); err != nil {
		return err
	}
	if err := enc.Encode(countries); err != nil {
		return err
	}
	var places []geo.Place
	err = reference.Places(func(p geo.Place) error {
		places = append(places, p)
		return nil
	})
	if err != nil {
		return err
	}
	if err := enc.Encode(places); err != nil {
		return err
	}
	if level < Demo {
		return nil
	}
	codes := map[string]bool{}
	for _, c := range countries {
		codes[c.ISOA2] = true
	}
	var cities []geo.Place
	for _, p := range places {
		if p.Population >= demo.MinCityPopulation {
			cities = append(cities, p)
		}
	}
	ds, err := demo.Generate(cities, codes)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return enc.Encode(ds)
}
