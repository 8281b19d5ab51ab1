-- Editing: the change log (history) of what people write, deleted
-- activities kept for restoring, and idempotency keys of creates.

-- change_log is the history of every write through the API: who, when,
-- which entity, and each changed field's value before and after (JSON, as
-- the write documents carry them). It is written in the transaction of the
-- change and is append-only, like audit_log beside it.
CREATE TABLE change_log (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at         timestamptz NOT NULL DEFAULT now(),
	entity     text NOT NULL CHECK (entity IN ('activity', 'organisation', 'programme', 'theme', 'exchange_rate')),
	-- The entity's id (or code); no foreign key, so the history outlives it.
	entity_key text NOT NULL CHECK (length(entity_key) BETWEEN 1 AND 100),
	action     text NOT NULL CHECK (action IN ('create', 'update', 'delete', 'restore')),
	-- The row version after the change (NULL for a delete).
	version    integer,
	-- The user who made it (NULL: the command line), without a foreign key.
	actor_id   bigint,
	changes    jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(changes) = 'object')
);
CREATE INDEX change_log_entity_idx ON change_log (entity, entity_key, id);
CREATE INDEX change_log_actor_idx ON change_log (actor_id, at);

CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER change_log_append_only BEFORE UPDATE OR DELETE ON change_log
	FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER change_log_no_truncate BEFORE TRUNCATE ON change_log
	FOR EACH STATEMENT EXECUTE FUNCTION append_only();

-- A deleted activity leaves the tables every read path queries (so no
-- read needs a "not deleted" condition) and is kept here, whole, for 30
-- days: record holds the activity row and its organisations, themes and
-- locations as they were, and restoring puts them back under the same id.
CREATE TABLE deleted_activities (
	id                   bigint PRIMARY KEY,
	deleted_at           timestamptz NOT NULL DEFAULT now(),
	deleted_by           bigint,
	title                text NOT NULL,
	lead_organisation_id bigint,
	record               jsonb NOT NULL
);
CREATE INDEX deleted_activities_at_idx ON deleted_activities (deleted_at);

-- idempotency_keys remembers the answer to each create made with an
-- Idempotency-Key, per user, for a day: a retry with the same key and body
-- gets the same answer and creates nothing.
CREATE TABLE idempotency_keys (
	user_id      bigint NOT NULL,
	key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
	route        text NOT NULL,
	request_hash bytea NOT NULL,
	status       smallint NOT NULL,
	location     text NOT NULL DEFAULT '',
	etag         text NOT NULL DEFAULT '',
	body         bytea NOT NULL,
	created_at   timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

---- create above / drop below ----

DROP TABLE idempotency_keys;
DROP TABLE deleted_activities;
DROP TABLE change_log;
DROP FUNCTION append_only();
