package postgis

import (
	"context"
	"fmt"
	"math"

	"github.com/commonground/commonground/geo"
)

// basemapSQL renders the basemap from the reference data as four MVT
// layers: land (country polygons), boundaries (their outlines), country
// labels (at each country's label point) and places (GeoNames places, the
// most populous first, above a population floor that falls with the zoom).
// %[2]s tile envelope, %[4]s buffered envelope (3857), %[5]s the same in
// 4326, %[6]s simplification tolerance, %[7]s population floor.
const basemapSQL = `SELECT
(SELECT coalesce(ST_AsMVT(t, 'land', %[1]d, 'geom'), '') FROM (
	SELECT iso_a2, ST_AsMVTGeom(ST_SimplifyPreserveTopology(ST_ClipByBox2D(geom_3857, %[4]s), %[6]s), %[2]s, %[1]d, %[3]d, true) AS geom
	FROM countries WHERE geom_3857 && %[4]s) t WHERE geom IS NOT NULL)
|| (SELECT coalesce(ST_AsMVT(t, 'boundaries', %[1]d, 'geom'), '') FROM (
	SELECT iso_a2, ST_AsMVTGeom(ST_Simplify(ST_Boundary(geom_3857), %[6]s), %[2]s, %[1]d, %[3]d, true) AS geom
	FROM countries WHERE geom_3857 && %[4]s) t WHERE geom IS NOT NULL)
|| (SELECT coalesce(ST_AsMVT(t, 'country_labels', %[1]d, 'geom', 'id'), '') FROM (
	SELECT id, iso_a2, name, ST_AsMVTGeom(ST_Transform(label_point, 3857), %[2]s, %[1]d, 0, true) AS geom
	FROM countries WHERE label_point && %[5]s AND abs(ST_Y(label_point)) < 85) t WHERE geom IS NOT NULL)
|| (SELECT coalesce(ST_AsMVT(t, 'places', %[1]d, 'geom', 'id'), '') FROM (
	SELECT geonameid AS id, name, country_code::text AS country, population, feature_code,
		ST_AsMVTGeom(ST_Transform(geom, 3857), %[2]s, %[1]d, 0, true) AS geom
	FROM places WHERE geom && %[5]s AND population >= %[7]s AND abs(ST_Y(geom)) < 85
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
	var q query
	env, buffered := tileEnvelope(&q, t)
	env4326 := tileBox(&q, t)
	tolerance := q.arg(webMercatorWidth / math.Exp2(float64(t.Z)) / tileExtent)
	floor := q.arg(placeFloor(t.Z))
	var b []byte
	err := s.pool.QueryRow(ctx, fmt.Sprintf(basemapSQL, tileExtent, env, tileBuffer, buffered, env4326,
		tolerance+"::float8", floor+"::bigint"), q.args...).Scan(&b)
	return b, err
}
