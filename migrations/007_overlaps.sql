-- Overlaps: the near tier finds neighbours within a distance on the sphere
-- (across the antimeridian and near the poles too) through this index;
-- place_id already has a B-tree index.
CREATE INDEX activity_locations_geog_idx ON activity_locations USING gist ((point::geography));
-- The country tiers look up country-wide locations by country; the plain
-- country index would also return every point in the country.
CREATE INDEX activity_locations_country_wide_idx ON activity_locations (country_code) WHERE kind = 'country';

---- create above / drop below ----

DROP INDEX activity_locations_country_wide_idx;
DROP INDEX activity_locations_geog_idx;
