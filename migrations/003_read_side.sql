-- The read side: a representative point per location (what maps, items and
-- bbox filters use), the label point of each country, and indicative
-- exchange rates for comparing budgets across currencies.

ALTER TABLE countries ADD COLUMN label_point geometry(Point, 4326);
UPDATE countries SET label_point = ST_PointOnSurface(
	(SELECT d.geom FROM ST_Dump(countries.geom) d ORDER BY ST_Area(d.geom) DESC LIMIT 1));

ALTER TABLE activity_locations ADD COLUMN point geometry(Point, 4326);

-- location_point fills in what a location row can derive: its representative
-- point (the point itself, a point on a shape's surface, or the country's
-- label point) and, for drawn or given geometry without one, its country.
CREATE FUNCTION location_point() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.geom IS NOT NULL THEN
		NEW.point := ST_PointOnSurface(NEW.geom);
		IF NEW.country_code IS NULL THEN
			SELECT iso_a2 INTO NEW.country_code FROM countries
			WHERE ST_Intersects(geom, NEW.point) ORDER BY iso_a2 LIMIT 1;
		END IF;
	ELSE
		SELECT label_point INTO NEW.point FROM countries WHERE iso_a2 = NEW.country_code;
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER activity_locations_point BEFORE INSERT OR UPDATE OF geom, country_code ON activity_locations
	FOR EACH ROW EXECUTE FUNCTION location_point();
UPDATE activity_locations SET geom = geom;
ALTER TABLE activity_locations ALTER COLUMN point SET NOT NULL;
CREATE INDEX activity_locations_point_idx ON activity_locations USING gist (point);

-- Indicative rates: units of the currency per US dollar, annual averages.
-- They only serve budget range filters across currencies; the secretariat
-- may update them. Budgets in a currency without a rate never match a
-- budget range stated in another currency.
CREATE TABLE exchange_rates (
	currency     char(3) PRIMARY KEY REFERENCES currencies (code),
	units_per_usd numeric(18, 6) NOT NULL CHECK (units_per_usd > 0),
	as_of        date NOT NULL
);
INSERT INTO exchange_rates (currency, units_per_usd, as_of) VALUES
	('USD', 1, '2024-12-31'),
	('EUR', 0.924, '2024-12-31'),
	('GBP', 0.783, '2024-12-31'),
	('CHF', 0.880, '2024-12-31'),
	('SEK', 10.57, '2024-12-31'),
	('NOK', 10.75, '2024-12-31'),
	('DKK', 6.89, '2024-12-31'),
	('JPY', 151.4, '2024-12-31'),
	('CNY', 7.19, '2024-12-31'),
	('CAD', 1.37, '2024-12-31'),
	('AUD', 1.52, '2024-12-31'),
	('INR', 83.7, '2024-12-31'),
	('BRL', 5.39, '2024-12-31'),
	('MXN', 18.3, '2024-12-31'),
	('COP', 4070, '2024-12-31'),
	('ZAR', 18.33, '2024-12-31'),
	('KES', 134.8, '2024-12-31'),
	('NGN', 1480, '2024-12-31'),
	('GHS', 14.6, '2024-12-31'),
	('XOF', 606.1, '2024-12-31'),
	('XAF', 606.1, '2024-12-31'),
	('EGP', 45.0, '2024-12-31'),
	('PHP', 57.3, '2024-12-31'),
	('IDR', 15850, '2024-12-31'),
	('BDT', 113.0, '2024-12-31'),
	('PKR', 279.0, '2024-12-31');
CREATE TRIGGER exchange_rates_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON exchange_rates
	FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

---- create above / drop below ----

DROP TABLE exchange_rates;
DROP TRIGGER activity_locations_point ON activity_locations;
DROP FUNCTION location_point();
ALTER TABLE activity_locations DROP COLUMN point;
ALTER TABLE countries DROP COLUMN label_point;
