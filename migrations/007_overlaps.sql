-- Overlaps: the near tier finds neighbours within a distance on the sphere
-- (across the antimeridian and near the poles too) through this index;
-- place_id and country_code already have B-tree indexes.
CREATE INDEX activity_locations_geog_idx ON activity_locations USING gist ((point::geography));

---- create above / drop below ----

DROP INDEX activity_locations_geog_idx;
