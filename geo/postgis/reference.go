package postgis

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/commonground/commonground/geo"
)

// ReferenceCounts says how many reference rows the database holds after a
// load.
type ReferenceCounts struct {
	Regions, Countries, Places int64
}

// LoadReference upserts the UN regions, the countries and the gazetteer in
// one transaction and removes places no longer in the gazetteer. Loading the
// same data again changes no row. Country geometries are repaired with
// ST_MakeValid; one the database still refuses fails the whole load.
func (s *Store) LoadReference(ctx context.Context, regions []geo.Region, countries []geo.Country, places []geo.Place) (ReferenceCounts, error) {
	var n ReferenceCounts
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := loadRegions(ctx, tx, regions); err != nil {
			return err
		}
		if err := loadCountries(ctx, tx, countries); err != nil {
			return err
		}
		if err := loadPlaces(ctx, tx, places); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM regions), (SELECT count(*) FROM countries), (SELECT count(*) FROM places)`).
			Scan(&n.Regions, &n.Countries, &n.Places)
	})
	if err != nil {
		return n, fmt.Errorf("postgis: load reference: %w", translate(err))
	}
	if _, err := s.pool.Exec(ctx, `ANALYZE regions, countries, places`); err != nil {
		return n, fmt.Errorf("postgis: analyze reference: %w", translate(err))
	}
	return n, nil
}

const upsertRegion = `
INSERT INTO regions (code, name, parent_code) VALUES ($1, $2, NULLIF($3, ''))
ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, parent_code = EXCLUDED.parent_code
WHERE (regions.name, regions.parent_code) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.parent_code)`

func loadRegions(ctx context.Context, tx pgx.Tx, regions []geo.Region) error {
	var b pgx.Batch
	for _, r := range parentsFirst(regions) {
		b.Queue(upsertRegion, r.Code, r.Name, r.ParentCode)
	}
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return fmt.Errorf("regions: %w", err)
	}
	return nil
}

// parentsFirst orders regions so each comes after its parent; regions whose
// parent is missing come last, for the foreign key to refuse.
func parentsFirst(regions []geo.Region) []geo.Region {
	out := make([]geo.Region, 0, len(regions))
	done := map[string]bool{"": true}
	for len(out) < len(regions) {
		added := false
		for _, r := range regions {
			if !done[r.Code] && done[r.ParentCode] {
				out = append(out, r)
				done[r.Code] = true
				added = true
			}
		}
		if !added {
			for _, r := range regions {
				if !done[r.Code] {
					out = append(out, r)
					done[r.Code] = true
				}
			}
		}
	}
	return out
}

// upsertCountries repairs each changed outline with ST_MakeValid (rows
// whose source is unchanged since the last load are skipped: the repair is
// the costly part). A polygon still wider than 180 degrees of longitude after
// the repair (a ring round a pole: the build script already cuts Antarctica
// with a gap, other sources may not) is split at the prime meridian with a
// 2e-6 degree gap, so no polygon spans more than 180 degrees and the pieces
// do not touch, which would make them invalid again.
const upsertCountries = `
WITH changed AS (
	SELECT l.*, md5(concat_ws('|', iso_a2, iso_a3, iso_numeric, name, region_code, sub_region_code,
		intermediate_region_code, encode(wkb, 'base64'))) AS source_md5
	FROM load_countries l
), valid AS (
	SELECT c.*, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_GeomFromWKB(wkb, 4326)), 3)) AS g
	FROM changed c
	WHERE NOT EXISTS (SELECT FROM countries WHERE countries.iso_a2 = c.iso_a2 AND countries.source_md5 = c.source_md5)
)
INSERT INTO countries (iso_a2, iso_a3, iso_numeric, name, region_code, sub_region_code, intermediate_region_code,
	source_md5, geom)
SELECT iso_a2, iso_a3, NULLIF(iso_numeric, ''), name, NULLIF(region_code, ''), NULLIF(sub_region_code, ''),
	NULLIF(intermediate_region_code, ''), source_md5,
	CASE WHEN EXISTS (SELECT FROM ST_Dump(g) d WHERE ST_XMax(d.geom) - ST_XMin(d.geom) > 180)
	THEN ST_Multi(ST_CollectionExtract(ST_Collect(
		ST_Intersection(g, ST_MakeEnvelope(-180, -90, -0.000001, 90, 4326)),
		ST_Intersection(g, ST_MakeEnvelope(0.000001, -90, 180, 90, 4326))), 3))
	ELSE g END
FROM valid
ON CONFLICT (iso_a2) DO UPDATE SET
	iso_a3 = EXCLUDED.iso_a3, iso_numeric = EXCLUDED.iso_numeric, name = EXCLUDED.name,
	region_code = EXCLUDED.region_code, sub_region_code = EXCLUDED.sub_region_code,
	intermediate_region_code = EXCLUDED.intermediate_region_code, source_md5 = EXCLUDED.source_md5,
	geom = EXCLUDED.geom, label_point = NULL`

// labelCountries gives changed countries the label point of their largest
// polygon and moves the country-level locations that refer to them.
const labelCountries = `
WITH changed AS (
	UPDATE countries SET label_point = ST_PointOnSurface(
		(SELECT d.geom FROM ST_Dump(countries.geom) d ORDER BY ST_Area(d.geom) DESC LIMIT 1))
	WHERE label_point IS NULL
	RETURNING iso_a2, label_point
)
UPDATE activity_locations l SET point = c.label_point
FROM changed c WHERE l.kind = 'country' AND l.country_code = c.iso_a2`

func loadCountries(ctx context.Context, tx pgx.Tx, countries []geo.Country) error {
	_, err := tx.Exec(ctx, `CREATE TEMP TABLE load_countries (
		iso_a2 text, iso_a3 text, iso_numeric text, name text, region_code text, sub_region_code text,
		intermediate_region_code text, wkb bytea) ON COMMIT DROP`)
	if err != nil {
		return fmt.Errorf("countries: %w", err)
	}
	rows := make([][]any, 0, len(countries))
	for _, c := range countries {
		if err := geo.CheckLonLat(c.Geometry); err != nil {
			return geo.Errorf(geo.EInvalid, "country %s: %v", c.ISOA2, err)
		}
		g, err := wkb.Marshal(c.Geometry)
		if err != nil {
			return fmt.Errorf("countries: %s: %w", c.ISOA2, err)
		}
		rows = append(rows, []any{c.ISOA2, c.ISOA3, c.ISONumeric, c.Name, c.RegionCode, c.SubRegionCode, c.IntermediateRegionCode, g})
	}
	cols := []string{"iso_a2", "iso_a3", "iso_numeric", "name", "region_code", "sub_region_code", "intermediate_region_code", "wkb"}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"load_countries"}, cols, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("countries: copy: %w", err)
	}
	tag, err := tx.Exec(ctx, upsertCountries)
	if err != nil {
		return fmt.Errorf("countries: %w", err)
	}
	if _, err := tx.Exec(ctx, labelCountries); err != nil {
		return fmt.Errorf("countries: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return nil // no outline changed: the tile shapes stand
	}
	// The tiles' per-zoom simplified outlines and, from them, the low-zoom
	// tile geometry (migrations 005 and 006).
	for _, mv := range []string{"country_shapes", "country_tiles"} {
		if _, err := tx.Exec(ctx, `REFRESH MATERIALIZED VIEW `+mv); err != nil {
			return fmt.Errorf("countries: tile shapes: %s: %w", mv, err)
		}
	}
	return nil
}

const upsertPlaces = `
INSERT INTO places (geonameid, name, ascii_name, country_code, admin1_code, feature_code, population, geom)
SELECT geonameid, name, ascii_name, country_code, admin1_code, feature_code, population,
	ST_SetSRID(ST_MakePoint(lon, lat), 4326)
FROM load_places
ON CONFLICT (geonameid) DO UPDATE SET
	name = EXCLUDED.name, ascii_name = EXCLUDED.ascii_name, country_code = EXCLUDED.country_code,
	admin1_code = EXCLUDED.admin1_code, feature_code = EXCLUDED.feature_code,
	population = EXCLUDED.population, geom = EXCLUDED.geom
WHERE (places.name, places.ascii_name, places.country_code, places.admin1_code, places.feature_code,
		places.population, places.geom)
	IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.ascii_name, EXCLUDED.country_code, EXCLUDED.admin1_code,
		EXCLUDED.feature_code, EXCLUDED.population, EXCLUDED.geom)`

const deleteStalePlaces = `
DELETE FROM places p WHERE NOT EXISTS (SELECT 1 FROM load_places l WHERE l.geonameid = p.geonameid)`

func loadPlaces(ctx context.Context, tx pgx.Tx, places []geo.Place) error {
	_, err := tx.Exec(ctx, `CREATE TEMP TABLE load_places (
		geonameid bigint PRIMARY KEY, name text, ascii_name text, country_code text, admin1_code text,
		feature_code text, population bigint, lon float8, lat float8) ON COMMIT DROP`)
	if err != nil {
		return fmt.Errorf("places: %w", err)
	}
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i == len(places) {
			return nil, nil
		}
		p := places[i]
		i++
		if err := geo.CheckLonLat(p.Point); err != nil {
			return nil, geo.Errorf(geo.EInvalid, "place %d: %v", p.ID, err)
		}
		return []any{p.ID, p.Name, p.ASCIIName, p.CountryCode, p.Admin1Code, p.FeatureCode, p.Population, p.Point.Lon(), p.Point.Lat()}, nil
	})
	cols := []string{"geonameid", "name", "ascii_name", "country_code", "admin1_code", "feature_code", "population", "lon", "lat"}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"load_places"}, cols, src); err != nil {
		return fmt.Errorf("places: copy: %w", err)
	}
	for _, q := range []string{upsertPlaces, deleteStalePlaces} {
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("places: %w", err)
		}
	}
	return nil
}
