-- Accounts (issue 12): the people of member organisations and of the
-- secretariat, their server-side sessions, API tokens, single-use links
-- (invitations and password resets), sign-in throttling and the audit log of
-- security events. Secrets are never stored: sessions, tokens and links are
-- kept as SHA-256 hashes of random values, passwords as argon2id hashes
-- (PHC strings). None of these tables moves the data version: accounts do
-- not change what the map shows to anyone already signed in.

CREATE TABLE users (
	id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	-- Stored as typed (trimmed); unique and looked up case-insensitively.
	email               text NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email ~ '^[^@\s]+@[^@\s]+$'),
	display_name        text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
	-- The member organisation; none for the secretariat.
	organisation_id     bigint REFERENCES organisations (id),
	role                text NOT NULL CHECK (role IN ('viewer', 'editor', 'secretariat')),
	-- argon2id PHC string; NULL until the user sets a password (an invited
	-- user, or one who only signs in with OpenID Connect).
	password_hash       text CHECK (password_hash LIKE '$argon2id$%'),
	disabled            boolean NOT NULL DEFAULT false,
	-- OpenID Connect identity, when the user signs in that way.
	oidc_issuer         text,
	oidc_subject        text,
	created_at          timestamptz NOT NULL DEFAULT now(),
	updated_at          timestamptz NOT NULL DEFAULT now(),
	password_changed_at timestamptz,
	last_sign_in_at     timestamptz,
	version             integer NOT NULL DEFAULT 1 CHECK (version > 0),
	CHECK ((role = 'secretariat') = (organisation_id IS NULL)),
	CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL)),
	UNIQUE (oidc_issuer, oidc_subject)
);
CREATE UNIQUE INDEX users_email_idx ON users (lower(email));
CREATE INDEX users_organisation_idx ON users (organisation_id);

-- A session: the cookie holds a random id, the table its hash. It ends at
-- expires_at (absolute), after the idle limit since last_seen_at (checked by
-- the server), or when revoked (sign-out, password change, disabling).
CREATE TABLE sessions (
	id_hash      bytea PRIMARY KEY CHECK (length(id_hash) = 32),
	user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at   timestamptz NOT NULL DEFAULT now(),
	last_seen_at timestamptz NOT NULL DEFAULT now(),
	expires_at   timestamptz NOT NULL,
	revoked_at   timestamptz,
	user_agent   text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 500),
	address      inet
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- An API token: shown once, kept as the hash; prefix is the start of the
-- token, shown in listings so people can tell their tokens apart.
CREATE TABLE api_tokens (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	hash         bytea NOT NULL UNIQUE CHECK (length(hash) = 32),
	prefix       text NOT NULL CHECK (length(prefix) BETWEEN 4 AND 16),
	scope        text NOT NULL CHECK (scope IN ('read', 'write')),
	created_at   timestamptz NOT NULL DEFAULT now(),
	expires_at   timestamptz,
	last_used_at timestamptz,
	revoked_at   timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Single-use links made by the secretariat: an invitation (set a first
-- password) or a password reset. No mail server is assumed: the link is
-- shown to copy (and mailed when an SMTP relay is configured).
CREATE TABLE account_links (
	hash       bytea PRIMARY KEY CHECK (length(hash) = 32),
	kind       text NOT NULL CHECK (kind IN ('invitation', 'reset')),
	user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_by bigint REFERENCES users (id) ON DELETE SET NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz NOT NULL,
	used_at    timestamptz
);
CREATE INDEX account_links_user_idx ON account_links (user_id);

-- Sign-in attempts, for throttling per account and per address across every
-- server sharing the database; rows older than the window are pruned.
CREATE TABLE sign_in_attempts (
	id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at      timestamptz NOT NULL DEFAULT now(),
	email   text NOT NULL CHECK (length(email) <= 254),
	address inet,
	ok      boolean NOT NULL
);
CREATE INDEX sign_in_attempts_email_idx ON sign_in_attempts (lower(email), at);
CREATE INDEX sign_in_attempts_address_idx ON sign_in_attempts (address, at);

-- The audit log of security events: append-only.
CREATE TABLE audit_log (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at         timestamptz NOT NULL DEFAULT now(),
	event      text NOT NULL CHECK (event ~ '^[a-z_.]+$'),
	-- Who did it (NULL: anonymous or the command line) and whom it was
	-- about: user ids, without foreign keys, so the log outlives the users.
	actor_id   bigint,
	subject_id bigint,
	-- The email as typed, for a failed sign-in of an unknown account.
	email      text CHECK (length(email) <= 254),
	address    inet,
	detail     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_subject_idx ON audit_log (subject_id, at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

---- create above / drop below ----

DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
DROP TABLE sign_in_attempts;
DROP TABLE account_links;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
