package postgis

import (
	"context"

	"github.com/commonground/commonground/geo"
)

// basemapSQL renders the basemap of tile $1, $2, $3 from the reference
// data as four MVT layers: land (country polygons), boundaries (their
// outlines), country labels (at each country's label point) and places
// (GeoNames places, the most populous first, above the population floor
// $9, which falls with the zoom). $4 to $7 are the buffered tile's lon/lat
// box (tileArgs), $8 the simplification tolerance in metres.
const basemapSQL = `SELECT
(SELECT coalesce(ST_AsMVT(t, '` + geo.LayerLand + `', 4096, 'geom'), '') FROM (
	SELECT iso_a2, ST_AsMVTGeom(ST_SimplifyPreserveTopology(ST_ClipByBox2D(geom_3857, ST_TileEnvelope($1, $2, $3, margin => 0.015625)), $8::float8),
		ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
	FROM countries WHERE geom_3857 && ST_TileEnvelope($1, $2, $3, margin => 0.015625)) t WHERE geom IS NOT NULL)
|| (SELECT coalesce(ST_AsMVT(t, '` + geo.LayerBoundaries + `', 4096, 'geom'), '') FROM (
	SELECT iso_a2, ST_AsMVTGeom(ST_Simplify(ST_Boundary(geom_3857), $8::float8), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
	FROM countries WHERE geom_3857 && ST_TileEnvelope($1, $2, $3, margin => 0.015625)) t WHERE geom IS NOT NULL)
|| (SELECT coalesce(ST_AsMVT(t, '` + geo.LayerCountryLabels + `', 4096, 'geom', 'id'), '') FROM (
	SELECT id, iso_a2, name, ST_AsMVTGeom(ST_Transform(label_point, 3857), ST_TileEnvelope($1, $2, $3), 4096, 0, true) AS geom
	FROM countries WHERE label_point && ST_MakeEnvelope($4, $5, $6, $7, 4326) AND abs(ST_Y(label_point)) < 85) t WHERE geom IS NOT NULL)
|| (SELECT coalesce(ST_AsMVT(t, '` + geo.LayerPlaces + `', 4096, 'geom', 'id'), '') FROM (
	SELECT geonameid AS id, name, country_code::text AS country, population, feature_code,
		ST_AsMVTGeom(ST_Transform(geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 0, true) AS geom
	FROM places WHERE geom && ST_MakeEnvelope($4, $5, $6, $7, 4326) AND population >= $9::bigint AND abs(ST_Y(geom)) < 85
	ORDER BY population DESC LIMIT 200) t WHERE geom IS NOT NULL)`

// placeFloor is the smallest population of a place labelled at zoom z.
func placeFloor(z int) int64 {
	floors := []int64{5_000_000, 5_000_000, 5_000_000, 2_000_000, 1_000_000, 500_000, 250_000, 100_000, 50_000, 20_000}
	if z < len(floors) {
		return floors[z]
	}
	return 5_000
}

// basemapLayer renders the basemap layers of a tile; it does not depend on
// activities, filters or the viewer.
func (s *Store) basemapLayer(ctx context.Context, t geo.Tile) ([]byte, error) {
	args := append(tileArgs(t, 2), geo.TileSize(t.Z)/tileExtent, placeFloor(t.Z))
	var b []byte
	err := s.pool.QueryRow(ctx, basemapSQL, args...).Scan(&b)
	return b, err
}
