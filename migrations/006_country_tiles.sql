-- The countries tile layer's geometry for zooms 0-6, ready for ST_AsMVT:
-- each country's outline of country_shapes clipped to every tile (with the
-- 64-unit buffer) and turned into tile coordinates. Low-zoom country tiles
-- then cost a lookup instead of clipping continent-sized outlines per
-- request (measured: 72 against thousands of tiles/s at z2). About 8 s
-- to build; the reference loader refreshes it after country_shapes.
CREATE MATERIALIZED VIEW country_tiles AS
	WITH tiles AS (
		SELECT z, x, y, ST_TileEnvelope(z, x, y) AS env, ST_TileEnvelope(z, x, y, margin => 64.0 / 4096) AS buffered
		FROM generate_series(0, 6) z
		CROSS JOIN LATERAL generate_series(0, (1 << z) - 1) x
		CROSS JOIN LATERAL generate_series(0, (1 << z) - 1) y
	)
	SELECT z::smallint AS z, x, y, country_id, geom FROM (
		SELECT t.z, t.x, t.y, s.country_id,
			ST_AsMVTGeom(ST_ClipByBox2D(s.geom, t.buffered), t.env, 4096, 64, true) AS geom
		FROM tiles t JOIN country_shapes s ON s.z = t.z AND s.geom && t.buffered
	) c WHERE geom IS NOT NULL;
CREATE UNIQUE INDEX country_tiles_idx ON country_tiles (z, x, y, country_id);

---- create above / drop below ----

DROP MATERIALIZED VIEW country_tiles;
