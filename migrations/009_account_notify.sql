-- Account-change notifications (issue 12 speed, issue 17 replicas).
--
-- Servers keep recent session and token lookups in memory for a few
-- seconds. Every change that can end or alter what such a lookup answered
-- sends a notification on the channel commonground_accounts (delivered at
-- commit, with the table's name as payload), and every server listening on
-- the database forgets what it kept. Triggers rather than calls in Go, so
-- that no writer (a new store method, a migration, psql) can forget it.
--
-- Not notified, because no kept answer depends on it: inserts (a new row
-- was never kept: failed lookups are not cached), and the activity stamps
-- sessions.last_seen_at and api_tokens.last_used_at, which move once a
-- minute per session or token and which the servers' own expiry of what
-- they keep already accounts for. users notifies on every change, since a
-- kept lookup answers the whole user; organisations on a rename (the
-- user's organisation name) or a delete.

CREATE FUNCTION notify_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- One notification per table and transaction: PostgreSQL folds
	-- identical ones.
	PERFORM pg_notify('commonground_accounts', TG_TABLE_NAME);
	RETURN NULL;
END
$$;

CREATE TRIGGER sessions_notify_update AFTER UPDATE ON sessions FOR EACH ROW
	WHEN (to_jsonb(OLD) - 'last_seen_at' IS DISTINCT FROM to_jsonb(NEW) - 'last_seen_at')
	EXECUTE FUNCTION notify_accounts();
CREATE TRIGGER sessions_notify_delete AFTER DELETE ON sessions FOR EACH ROW
	EXECUTE FUNCTION notify_accounts();
CREATE TRIGGER sessions_notify_truncate AFTER TRUNCATE ON sessions FOR EACH STATEMENT
	EXECUTE FUNCTION notify_accounts();

CREATE TRIGGER api_tokens_notify_update AFTER UPDATE ON api_tokens FOR EACH ROW
	WHEN (to_jsonb(OLD) - 'last_used_at' IS DISTINCT FROM to_jsonb(NEW) - 'last_used_at')
	EXECUTE FUNCTION notify_accounts();
CREATE TRIGGER api_tokens_notify_delete AFTER DELETE ON api_tokens FOR EACH ROW
	EXECUTE FUNCTION notify_accounts();
CREATE TRIGGER api_tokens_notify_truncate AFTER TRUNCATE ON api_tokens FOR EACH STATEMENT
	EXECUTE FUNCTION notify_accounts();

CREATE TRIGGER users_notify_update AFTER UPDATE ON users FOR EACH ROW
	WHEN (OLD.* IS DISTINCT FROM NEW.*)
	EXECUTE FUNCTION notify_accounts();
CREATE TRIGGER users_notify_delete AFTER DELETE ON users FOR EACH ROW
	EXECUTE FUNCTION notify_accounts();
CREATE TRIGGER users_notify_truncate AFTER TRUNCATE ON users FOR EACH STATEMENT
	EXECUTE FUNCTION notify_accounts();

CREATE TRIGGER organisations_notify_update AFTER UPDATE OF name ON organisations FOR EACH ROW
	WHEN (OLD.name IS DISTINCT FROM NEW.name)
	EXECUTE FUNCTION notify_accounts();
CREATE TRIGGER organisations_notify_delete AFTER DELETE ON organisations FOR EACH ROW
	EXECUTE FUNCTION notify_accounts();

---- create above / drop below ----

DROP TRIGGER organisations_notify_delete ON organisations;
DROP TRIGGER organisations_notify_update ON organisations;
DROP TRIGGER users_notify_truncate ON users;
DROP TRIGGER users_notify_delete ON users;
DROP TRIGGER users_notify_update ON users;
DROP TRIGGER api_tokens_notify_truncate ON api_tokens;
DROP TRIGGER api_tokens_notify_delete ON api_tokens;
DROP TRIGGER api_tokens_notify_update ON api_tokens;
DROP TRIGGER sessions_notify_truncate ON sessions;
DROP TRIGGER sessions_notify_delete ON sessions;
DROP TRIGGER sessions_notify_update ON sessions;
DROP FUNCTION notify_accounts();
