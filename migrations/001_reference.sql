-- Reference data: UN M49 regions, countries (Natural Earth), the GeoNames
-- gazetteer, ISO 4217 currencies. Loaded by `commonground load-reference`
-- (currencies here, since they are a fixed code list).
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE regions (
	code        char(3) PRIMARY KEY CHECK (code ~ '^[0-9]{3}$'),
	name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	parent_code char(3) REFERENCES regions (code)
);

CREATE TABLE countries (
	-- id is the numeric feature id of GeoJSON and vector tiles; stable across reloads.
	id                       integer GENERATED ALWAYS AS IDENTITY UNIQUE,
	iso_a2                   char(2) PRIMARY KEY CHECK (iso_a2 ~ '^[A-Z]{2}$'),
	iso_a3                   char(3) NOT NULL UNIQUE CHECK (iso_a3 ~ '^[A-Z]{3}$'),
	iso_numeric              char(3) UNIQUE CHECK (iso_numeric ~ '^[0-9]{3}$'),
	name                     text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	region_code              char(3) REFERENCES regions (code),
	sub_region_code          char(3) REFERENCES regions (code),
	intermediate_region_code char(3) REFERENCES regions (code),
	geom                     geometry(MultiPolygon, 4326) NOT NULL
		CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)
			AND ST_XMin(geom) >= -180 AND ST_XMax(geom) <= 180
			AND ST_YMin(geom) >= -90 AND ST_YMax(geom) <= 90),
	-- md5 of the loaded source row, so reloading unchanged data skips the
	-- costly geometry repair.
	source_md5               text NOT NULL DEFAULT ''
);
CREATE INDEX countries_geom_idx ON countries USING gist (geom);
CREATE INDEX countries_region_idx ON countries (region_code);
CREATE INDEX countries_sub_region_idx ON countries (sub_region_code);
CREATE INDEX countries_intermediate_region_idx ON countries (intermediate_region_code);

CREATE TABLE places (
	geonameid    bigint PRIMARY KEY CHECK (geonameid > 0),
	name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	ascii_name   text NOT NULL CHECK (length(ascii_name) <= 200),
	country_code char(2) NOT NULL CHECK (country_code ~ '^[A-Z]{2}$'),
	admin1_code  text NOT NULL DEFAULT '' CHECK (length(admin1_code) <= 20),
	feature_code text NOT NULL DEFAULT '' CHECK (length(feature_code) <= 10),
	population   bigint NOT NULL CHECK (population >= 0),
	geom         geometry(Point, 4326) NOT NULL
		CHECK (ST_X(geom) BETWEEN -180 AND 180 AND ST_Y(geom) BETWEEN -90 AND 90)
);
CREATE INDEX places_geom_idx ON places USING gist (geom);
CREATE INDEX places_country_idx ON places (country_code, population DESC);
CREATE INDEX places_population_idx ON places (population DESC);
CREATE INDEX places_ascii_name_trgm_idx ON places USING gin (lower(ascii_name) gin_trgm_ops);

CREATE TABLE currencies (
	code       char(3) PRIMARY KEY CHECK (code ~ '^[A-Z]{3}$'),
	name       text NOT NULL,
	minor_unit smallint NOT NULL CHECK (minor_unit BETWEEN 0 AND 4)
);

-- ISO 4217 active currencies with a numeric code (from the npm package
-- currency-codes 2.2.0), without precious metals and testing codes.
INSERT INTO currencies (code, name, minor_unit) VALUES
	('AED', 'UAE Dirham', 2),
	('AFN', 'Afghani', 2),
	('ALL', 'Lek', 2),
	('AMD', 'Armenian Dram', 2),
	('ANG', 'Netherlands Antillean Guilder', 2),
	('AOA', 'Kwanza', 2),
	('ARS', 'Argentine Peso', 2),
	('AUD', 'Australian Dollar', 2),
	('AWG', 'Aruban Florin', 2),
	('AZN', 'Azerbaijan Manat', 2),
	('BAM', 'Convertible Mark', 2),
	('BBD', 'Barbados Dollar', 2),
	('BDT', 'Taka', 2),
	('BGN', 'Bulgarian Lev', 2),
	('BHD', 'Bahraini Dinar', 3),
	('BIF', 'Burundi Franc', 0),
	('BMD', 'Bermudian Dollar', 2),
	('BND', 'Brunei Dollar', 2),
	('BOB', 'Boliviano', 2),
	('BOV', 'Mvdol', 2),
	('BRL', 'Brazilian Real', 2),
	('BSD', 'Bahamian Dollar', 2),
	('BTN', 'Ngultrum', 2),
	('BWP', 'Pula', 2),
	('BYN', 'Belarusian Ruble', 2),
	('BZD', 'Belize Dollar', 2),
	('CAD', 'Canadian Dollar', 2),
	('CDF', 'Congolese Franc', 2),
	('CHE', 'WIR Euro', 2),
	('CHF', 'Swiss Franc', 2),
	('CHW', 'WIR Franc', 2),
	('CLF', 'Unidad de Fomento', 4),
	('CLP', 'Chilean Peso', 0),
	('CNY', 'Yuan Renminbi', 2),
	('COP', 'Colombian Peso', 2),
	('COU', 'Unidad de Valor Real', 2),
	('CRC', 'Costa Rican Colon', 2),
	('CUC', 'Peso Convertible', 2),
	('CUP', 'Cuban Peso', 2),
	('CVE', 'Cabo Verde Escudo', 2),
	('CZK', 'Czech Koruna', 2),
	('DJF', 'Djibouti Franc', 0),
	('DKK', 'Danish Krone', 2),
	('DOP', 'Dominican Peso', 2),
	('DZD', 'Algerian Dinar', 2),
	('EGP', 'Egyptian Pound', 2),
	('ERN', 'Nakfa', 2),
	('ETB', 'Ethiopian Birr', 2),
	('EUR', 'Euro', 2),
	('FJD', 'Fiji Dollar', 2),
	('FKP', 'Falkland Islands Pound', 2),
	('GBP', 'Pound Sterling', 2),
	('GEL', 'Lari', 2),
	('GHS', 'Ghana Cedi', 2),
	('GIP', 'Gibraltar Pound', 2),
	('GMD', 'Dalasi', 2),
	('GNF', 'Guinean Franc', 0),
	('GTQ', 'Quetzal', 2),
	('GYD', 'Guyana Dollar', 2),
	('HKD', 'Hong Kong Dollar', 2),
	('HNL', 'Lempira', 2),
	('HTG', 'Gourde', 2),
	('HUF', 'Forint', 2),
	('IDR', 'Rupiah', 2),
	('ILS', 'New Israeli Sheqel', 2),
	('INR', 'Indian Rupee', 2),
	('IQD', 'Iraqi Dinar', 3),
	('IRR', 'Iranian Rial', 2),
	('ISK', 'Iceland Krona', 0),
	('JMD', 'Jamaican Dollar', 2),
	('JOD', 'Jordanian Dinar', 3),
	('JPY', 'Yen', 0),
	('KES', 'Kenyan Shilling', 2),
	('KGS', 'Som', 2),
	('KHR', 'Riel', 2),
	('KMF', 'Comorian Franc ', 0),
	('KPW', 'North Korean Won', 2),
	('KRW', 'Won', 0),
	('KWD', 'Kuwaiti Dinar', 3),
	('KYD', 'Cayman Islands Dollar', 2),
	('KZT', 'Tenge', 2),
	('LAK', 'Lao Kip', 2),
	('LBP', 'Lebanese Pound', 2),
	('LKR', 'Sri Lanka Rupee', 2),
	('LRD', 'Liberian Dollar', 2),
	('LSL', 'Loti', 2),
	('LYD', 'Libyan Dinar', 3),
	('MAD', 'Moroccan Dirham', 2),
	('MDL', 'Moldovan Leu', 2),
	('MGA', 'Malagasy Ariary', 2),
	('MKD', 'Denar', 2),
	('MMK', 'Kyat', 2),
	('MNT', 'Tugrik', 2),
	('MOP', 'Pataca', 2),
	('MRU', 'Ouguiya', 2),
	('MUR', 'Mauritius Rupee', 2),
	('MVR', 'Rufiyaa', 2),
	('MWK', 'Malawi Kwacha', 2),
	('MXN', 'Mexican Peso', 2),
	('MXV', 'Mexican Unidad de Inversion (UDI)', 2),
	('MYR', 'Malaysian Ringgit', 2),
	('MZN', 'Mozambique Metical', 2),
	('NAD', 'Namibia Dollar', 2),
	('NGN', 'Naira', 2),
	('NIO', 'Cordoba Oro', 2),
	('NOK', 'Norwegian Krone', 2),
	('NPR', 'Nepalese Rupee', 2),
	('NZD', 'New Zealand Dollar', 2),
	('OMR', 'Rial Omani', 3),
	('PAB', 'Balboa', 2),
	('PEN', 'Sol', 2),
	('PGK', 'Kina', 2),
	('PHP', 'Philippine Peso', 2),
	('PKR', 'Pakistan Rupee', 2),
	('PLN', 'Zloty', 2),
	('PYG', 'Guarani', 0),
	('QAR', 'Qatari Rial', 2),
	('RON', 'Romanian Leu', 2),
	('RSD', 'Serbian Dinar', 2),
	('RUB', 'Russian Ruble', 2),
	('RWF', 'Rwanda Franc', 0),
	('SAR', 'Saudi Riyal', 2),
	('SBD', 'Solomon Islands Dollar', 2),
	('SCR', 'Seychelles Rupee', 2),
	('SDG', 'Sudanese Pound', 2),
	('SEK', 'Swedish Krona', 2),
	('SGD', 'Singapore Dollar', 2),
	('SHP', 'Saint Helena Pound', 2),
	('SLE', 'Leone', 2),
	('SOS', 'Somali Shilling', 2),
	('SRD', 'Surinam Dollar', 2),
	('SSP', 'South Sudanese Pound', 2),
	('STN', 'Dobra', 2),
	('SVC', 'El Salvador Colon', 2),
	('SYP', 'Syrian Pound', 2),
	('SZL', 'Lilangeni', 2),
	('THB', 'Baht', 2),
	('TJS', 'Somoni', 2),
	('TMT', 'Turkmenistan New Manat', 2),
	('TND', 'Tunisian Dinar', 3),
	('TOP', 'Pa’anga', 2),
	('TRY', 'Turkish Lira', 2),
	('TTD', 'Trinidad and Tobago Dollar', 2),
	('TWD', 'New Taiwan Dollar', 2),
	('TZS', 'Tanzanian Shilling', 2),
	('UAH', 'Hryvnia', 2),
	('UGX', 'Uganda Shilling', 0),
	('USD', 'US Dollar', 2),
	('USN', 'US Dollar (Next day)', 2),
	('UYI', 'Uruguay Peso en Unidades Indexadas (UI)', 0),
	('UYU', 'Peso Uruguayo', 2),
	('UYW', 'Unidad Previsional', 4),
	('UZS', 'Uzbekistan Sum', 2),
	('VED', 'Bolívar Soberano', 2),
	('VES', 'Bolívar Soberano', 2),
	('VND', 'Dong', 0),
	('VUV', 'Vatu', 0),
	('WST', 'Tala', 2),
	('XAF', 'CFA Franc BEAC', 0),
	('XCD', 'East Caribbean Dollar', 2),
	('XDR', 'SDR (Special Drawing Right)', 0),
	('XOF', 'CFA Franc BCEAO', 0),
	('XPF', 'CFP Franc', 0),
	('YER', 'Yemeni Rial', 2),
	('ZAR', 'Rand', 2),
	('ZMW', 'Zambian Kwacha', 2),
	('ZWG', 'Zimbabwe Gold', 2);

---- create above / drop below ----

DROP TABLE currencies;
DROP TABLE places;
DROP TABLE countries;
DROP TABLE regions;
