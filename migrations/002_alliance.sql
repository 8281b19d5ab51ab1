-- The alliance data model: vocabularies, organisations, programmes,
-- activities with their organisations, themes and locations.

CREATE TABLE constituencies (
	code          text PRIMARY KEY CHECK (code ~ '^[a-z_]{1,40}$'),
	name          text NOT NULL,
	-- IATI OrganisationType code (10 Government, 11 Local Government,
	-- 21 International NGO, 24 Partner country based NGO, 40 Multilateral,
	-- 60 Foundation, 70 Private Sector, 80 Academic, Training and Research).
	iati_org_type smallint NOT NULL CHECK (iati_org_type IN (10, 11, 15, 21, 22, 23, 24, 30, 40, 60, 70, 71, 72, 73, 80, 90)),
	sort_order    smallint NOT NULL DEFAULT 0
);
INSERT INTO constituencies (code, name, iati_org_type, sort_order) VALUES
	('multilateral', 'Multilateral organisation', 40, 1),
	('national_government', 'National government', 10, 2),
	('local_government_association', 'Local government association', 11, 3),
	('slum_dweller_federation', 'Slum-dweller federation', 24, 4),
	('civil_society', 'Civil society / NGO', 21, 5),
	('foundation', 'Foundation', 60, 6),
	('private_sector', 'Private sector', 70, 7),
	('research', 'Research and academia', 80, 8);

CREATE TABLE programme_types (
	code text PRIMARY KEY CHECK (code ~ '^[a-z_]{1,40}$'),
	name text NOT NULL
);
INSERT INTO programme_types (code, name) VALUES
	('country_programme', 'Country Programme'),
	('joint_work_programme', 'Joint Work Programme'),
	('catalytic_fund', 'Catalytic Fund'),
	('communications_advocacy', 'Communications and Advocacy'),
	('innovation_lab', 'Innovation Lab'),
	('member_initiative', 'Member initiative');

CREATE TABLE themes (
	code        text PRIMARY KEY CHECK (code ~ '^[a-z_]{1,40}$'),
	name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	sdg_targets text[] NOT NULL DEFAULT '{}'
		-- SDG target ids such as 11.1 or 11.b; array_to_string keeps the check set-based.
		CHECK (array_to_string(sdg_targets, ' ') ~ '^(([0-9]{1,2}\.[0-9a-z]{1,2})( |$))*$')
);
INSERT INTO themes (code, name, sdg_targets) VALUES
	('resilience', 'Urban resilience', '{11.5,11.b,1.5}'),
	('informal_settlements', 'Informal settlement upgrading', '{11.1,1.4,6.2}'),
	('climate_adaptation', 'Climate adaptation', '{13.1,13.2,11.b}'),
	('local_governance', 'Local governance', '{16.6,16.7,11.3}'),
	('municipal_finance', 'Municipal finance', '{17.1,11.c}'),
	('migration_displacement', 'Migration and displacement', '{10.7,11.1}'),
	('urban_crisis_response', 'Urban crisis response', '{11.5,1.5}'),
	('basic_services', 'Basic services', '{6.1,6.2,7.1,11.1}'),
	('land_housing', 'Land and housing', '{1.4,11.1,5.a}'),
	('urban_planning', 'Urban planning', '{11.3,11.a}'),
	('gender', 'Gender equality', '{5.1,5.5,11.7}'),
	('youth_jobs', 'Youth and jobs', '{8.5,8.6}'),
	('data_monitoring', 'Urban data and monitoring', '{17.18,11.3}'),
	('public_space', 'Public and green space', '{11.7}');

-- updated_at and version move on every update, so optimistic locking
-- (If-Match) and caches can trust them.
CREATE FUNCTION touch_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.updated_at := now();
	NEW.version := OLD.version + 1;
	RETURN NEW;
END
$$;

CREATE TABLE organisations (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	slug          text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
	name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
	short_name    text NOT NULL DEFAULT '' CHECK (length(short_name) <= 60),
	aliases       text[] NOT NULL DEFAULT '{}',
	constituency  text NOT NULL REFERENCES constituencies (code),
	iati_org_id   text UNIQUE CHECK (iati_org_id ~ '^[A-Za-z0-9][A-Za-z0-9._:/-]{2,99}$'),
	website       text CHECK (website ~ '^https?://[^\s/$.?#].[^\s]*$' AND length(website) <= 500),
	hq            geometry(Point, 4326)
		CHECK (ST_X(hq) BETWEEN -180 AND 180 AND ST_Y(hq) BETWEEN -90 AND 90),
	member_since  date CHECK (member_since >= '1950-01-01'),
	last_reported date,
	demo          boolean NOT NULL DEFAULT false,
	created_at    timestamptz NOT NULL DEFAULT now(),
	updated_at    timestamptz NOT NULL DEFAULT now(),
	version       integer NOT NULL DEFAULT 1 CHECK (version > 0)
);
CREATE INDEX organisations_constituency_idx ON organisations (constituency);
CREATE INDEX organisations_hq_idx ON organisations USING gist (hq);
CREATE INDEX organisations_name_trgm_idx ON organisations USING gin (lower(name) gin_trgm_ops);
CREATE TRIGGER organisations_touch BEFORE UPDATE ON organisations
	FOR EACH ROW EXECUTE FUNCTION touch_row();

CREATE TABLE programmes (
	id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	slug                 text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
	name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
	type                 text NOT NULL REFERENCES programme_types (code),
	tier                 smallint NOT NULL CHECK (tier BETWEEN 1 AND 3),
	description          text NOT NULL DEFAULT '' CHECK (length(description) <= 20000),
	lead_organisation_id bigint REFERENCES organisations (id) ON DELETE SET NULL,
	demo                 boolean NOT NULL DEFAULT false,
	created_at           timestamptz NOT NULL DEFAULT now(),
	updated_at           timestamptz NOT NULL DEFAULT now(),
	version              integer NOT NULL DEFAULT 1 CHECK (version > 0)
);
CREATE INDEX programmes_type_idx ON programmes (type);
CREATE INDEX programmes_lead_idx ON programmes (lead_organisation_id);
CREATE TRIGGER programmes_touch BEFORE UPDATE ON programmes
	FOR EACH ROW EXECUTE FUNCTION touch_row();

CREATE TABLE programme_organisations (
	programme_id    bigint NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
	organisation_id bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
	PRIMARY KEY (programme_id, organisation_id)
);
CREATE INDEX programme_organisations_org_idx ON programme_organisations (organisation_id);

CREATE TABLE activities (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	iati_identifier text UNIQUE CHECK (iati_identifier ~ '^[A-Za-z0-9][A-Za-z0-9._:/-]{2,149}$'),
	title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
	description     text NOT NULL DEFAULT '' CHECK (length(description) <= 20000),
	programme_id    bigint REFERENCES programmes (id) ON DELETE SET NULL,
	status          text NOT NULL DEFAULT 'implementation'
		CHECK (status IN ('pipeline', 'implementation', 'finalisation', 'closed', 'cancelled', 'suspended')),
	start_date      date CHECK (start_date BETWEEN '1950-01-01' AND '2100-12-31'),
	end_date        date CHECK (end_date BETWEEN '1950-01-01' AND '2100-12-31'),
	budget          numeric(18, 2) CHECK (budget >= 0),
	currency        char(3) REFERENCES currencies (code),
	visibility      text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'members', 'draft')),
	demo            boolean NOT NULL DEFAULT false,
	created_at      timestamptz NOT NULL DEFAULT now(),
	updated_at      timestamptz NOT NULL DEFAULT now(),
	version         integer NOT NULL DEFAULT 1 CHECK (version > 0),
	-- The period as a range for the datetime filter: unknown ends are open.
	period          daterange GENERATED ALWAYS AS (daterange(start_date, end_date, '[]')) STORED,
	search          tsvector GENERATED ALWAYS AS (
		setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', description), 'B')) STORED,
	CONSTRAINT activities_period_order CHECK (end_date >= start_date),
	CONSTRAINT activities_budget_currency CHECK (budget IS NULL OR currency IS NOT NULL)
);
CREATE INDEX activities_programme_idx ON activities (programme_id);
CREATE INDEX activities_status_idx ON activities (status);
CREATE INDEX activities_visibility_idx ON activities (visibility);
CREATE INDEX activities_period_idx ON activities USING gist (period);
CREATE INDEX activities_budget_idx ON activities (currency, budget);
CREATE INDEX activities_search_idx ON activities USING gin (search);
CREATE INDEX activities_title_trgm_idx ON activities USING gin (lower(title) gin_trgm_ops);
CREATE TRIGGER activities_touch BEFORE UPDATE ON activities
	FOR EACH ROW EXECUTE FUNCTION touch_row();

CREATE TABLE activity_organisations (
	activity_id     bigint NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
	organisation_id bigint NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
	role            text NOT NULL CHECK (role IN ('lead', 'implementing', 'funding', 'partner')),
	PRIMARY KEY (activity_id, organisation_id, role)
);
CREATE INDEX activity_organisations_org_idx ON activity_organisations (organisation_id, role);
-- At most one lead per activity.
CREATE UNIQUE INDEX activity_organisations_one_lead ON activity_organisations (activity_id) WHERE role = 'lead';

CREATE TABLE activity_themes (
	activity_id bigint NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
	theme_code  text NOT NULL REFERENCES themes (code) ON UPDATE CASCADE,
	PRIMARY KEY (activity_id, theme_code)
);
CREATE INDEX activity_themes_theme_idx ON activity_themes (theme_code, activity_id);

CREATE TABLE activity_locations (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	activity_id  bigint NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
	kind         text NOT NULL CHECK (kind IN ('point', 'place', 'admin_area', 'country', 'shape')),
	precision    text NOT NULL CHECK (precision IN ('exact', 'approximate', 'city', 'admin_area', 'country')),
	name         text NOT NULL DEFAULT '' CHECK (length(name) <= 300),
	country_code char(2) REFERENCES countries (iso_a2) ON UPDATE CASCADE,
	place_id     bigint REFERENCES places (geonameid) ON DELETE SET NULL,
	admin_area   text NOT NULL DEFAULT '' CHECK (length(admin_area) <= 200),
	-- NULL only for country-level locations, which refer to countries.geom.
	geom         geometry(Geometry, 4326)
		CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom) AND ST_NPoints(geom) <= 100000
			AND ST_XMin(geom) >= -180 AND ST_XMax(geom) <= 180
			AND ST_YMin(geom) >= -90 AND ST_YMax(geom) <= 90),
	CONSTRAINT activity_locations_geom_kind CHECK (
		(kind = 'country' AND geom IS NULL AND country_code IS NOT NULL)
		OR (kind <> 'country' AND geom IS NOT NULL)),
	CONSTRAINT activity_locations_place_kind CHECK (kind <> 'place' OR place_id IS NOT NULL)
);
CREATE INDEX activity_locations_activity_idx ON activity_locations (activity_id);
CREATE INDEX activity_locations_geom_idx ON activity_locations USING gist (geom);
CREATE INDEX activity_locations_country_idx ON activity_locations (country_code);
CREATE INDEX activity_locations_place_idx ON activity_locations (place_id);

-- data_version moves on every change to what the map shows, so ETags and
-- tile caches can be keyed by it.
CREATE TABLE data_version (
	only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
	version  bigint NOT NULL DEFAULT 1,
	changed  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO data_version DEFAULT VALUES;

CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE data_version SET version = version + 1, changed = now();
	RETURN NULL;
END
$$;

CREATE TRIGGER regions_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON regions
	FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER countries_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON countries
	FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER places_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON places
	FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER themes_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON themes
	FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER organisations_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON organisations
	FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER programmes_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON programmes
	FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER programme_organisations_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON programme_organisations
	FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER activities_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON activities
	FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER activity_organisations_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON activity_organisations
	FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER activity_themes_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON activity_themes
	FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER activity_locations_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON activity_locations
	FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

---- create above / drop below ----

DROP TABLE data_version;
DROP TABLE activity_locations;
DROP TABLE activity_themes;
DROP TABLE activity_organisations;
DROP TABLE activities;
DROP TABLE programme_organisations;
DROP TABLE programmes;
DROP TABLE organisations;
DROP TABLE themes;
DROP TABLE programme_types;
DROP TABLE constituencies;
DROP TRIGGER regions_data_version ON regions;
DROP TRIGGER countries_data_version ON countries;
DROP TRIGGER places_data_version ON places;
DROP FUNCTION bump_data_version();
DROP FUNCTION touch_row();
