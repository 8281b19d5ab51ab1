-- Data-version notifications and precomputed tile aggregates.
--
-- bump_data_version now also sends the new version on the channel
-- commonground_data_version (delivered at commit), so servers keep the
-- version in memory instead of reading it per request.
--
-- tile_cells and tile_country_counts hold, for the public audience and the
-- data version in tile_aggregates_state, what the clusters and countries
-- tile layers compute for an unfiltered request: the server rebuilds them
-- in the background after every change and uses them only while their
-- version is the current data version, so they are never served stale.

CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	v bigint;
BEGIN
	UPDATE data_version SET version = version + 1, changed = now() RETURNING version INTO v;
	PERFORM pg_notify('commonground_data_version', v::text);
	RETURN NULL;
END
$$;

CREATE TABLE tile_aggregates_state (
	only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
	version  bigint NOT NULL DEFAULT 0, -- data version the rows below were built from; 0: never
	built    timestamptz,
	duration interval
);
INSERT INTO tile_aggregates_state DEFAULT VALUES;

-- One row per non-empty cell of the clusters grid (16 x 16 cells per tile,
-- aligned across tiles) per zoom: cx counts from the west, cy from the
-- south, in cells of 40075016.69 / 2^z / 16 Web Mercator metres.
CREATE TABLE tile_cells (
	audience           text     NOT NULL CHECK (audience IN ('public')),
	z                  smallint NOT NULL,
	cx                 integer  NOT NULL,
	cy                 integer  NOT NULL,
	n                  integer  NOT NULL, -- locations
	activities         integer  NOT NULL,
	organisations      integer  NOT NULL, -- distinct leads
	top_themes         text     NOT NULL,
	top_constituencies text     NOT NULL,
	west               float8   NOT NULL,
	south              float8   NOT NULL,
	east               float8   NOT NULL,
	north              float8   NOT NULL,
	x                  float8   NOT NULL, -- mean position, EPSG:3857
	y                  float8   NOT NULL,
	PRIMARY KEY (audience, z, cx, cy)
);

CREATE TABLE tile_country_counts (
	audience     text    NOT NULL CHECK (audience IN ('public')),
	country_code char(2) NOT NULL,
	activities   integer NOT NULL,
	members      integer NOT NULL,
	PRIMARY KEY (audience, country_code)
);

-- Country outlines simplified to about a pixel of each zoom up to 9, so
-- low-zoom tiles clip a few hundred vertices instead of simplifying the
-- 1:10m outlines per request. The reference loader refreshes it after
-- changing countries.
CREATE MATERIALIZED VIEW country_shapes AS
	SELECT z::smallint AS z, c.id AS country_id,
		ST_Multi(ST_SimplifyPreserveTopology(c.geom_3857, 40075016.685578488 / 2 ^ z / 4096)) AS geom
	FROM countries c CROSS JOIN generate_series(0, 9) z
	WHERE c.geom_3857 IS NOT NULL;
CREATE UNIQUE INDEX country_shapes_idx ON country_shapes (z, country_id);

---- create above / drop below ----

DROP MATERIALIZED VIEW country_shapes;
DROP TABLE tile_country_counts;
DROP TABLE tile_cells;
DROP TABLE tile_aggregates_state;
CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE data_version SET version = version + 1, changed = now();
	RETURN NULL;
END
$$;
