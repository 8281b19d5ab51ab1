-- Vector tiles: country outlines in Web Mercator, clipped to its latitude
-- limits (±85.0511°), so tile queries need not transform them per request.

ALTER TABLE countries ADD COLUMN geom_3857 geometry(MultiPolygon, 3857);

CREATE FUNCTION country_mercator() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.geom_3857 := ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Transform(
		ST_Intersection(NEW.geom, ST_MakeEnvelope(-180, -85.0511287798, 180, 85.0511287798, 4326)), 3857)), 3));
	RETURN NEW;
END
$$;
CREATE TRIGGER countries_mercator BEFORE INSERT OR UPDATE OF geom ON countries
	FOR EACH ROW EXECUTE FUNCTION country_mercator();
UPDATE countries SET geom = geom;
CREATE INDEX countries_geom_3857_idx ON countries USING gist (geom_3857);

---- create above / drop below ----

DROP TRIGGER countries_mercator ON countries;
DROP FUNCTION country_mercator();
ALTER TABLE countries DROP COLUMN geom_3857;
