#!/usr/bin/env bash
# Provision a local PostgreSQL 15 + PostGIS cluster for `make run` and `make test`
# on Debian/Ubuntu: install the distribution's packages when missing, create and
# start the cluster (as the postgres user: initdb refuses root), create the
# application role and make PostGIS available in every new database.
#
# Usage: scripts/provision-db.sh DATABASE...
#   Each DATABASE is created (owned by the role) when missing.
# Environment: PGVERSION (the installed server's major version, else the
#   distribution's default: 15 on Debian 12, 16 on Ubuntu 24.04), PGPORT (5432),
#   DB_ROLE (commonground), DB_PASSWORD (commonground).
set -euo pipefail

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
apt_updated=""
apt_update() {
	[ -n "$apt_updated" ] || $SUDO apt-get update -qq
	apt_updated=1
}

if [ -z "${PGVERSION:-}" ]; then
	PGVERSION=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
fi
if [ -z "${PGVERSION:-}" ]; then
	apt_update
	PGVERSION=$(apt-cache depends postgresql 2>/dev/null | grep -o 'postgresql-[0-9]\+' | head -1 | cut -d- -f2)
fi
if [ -z "${PGVERSION:-}" ]; then
	echo "provision-db: cannot tell which PostgreSQL version to install; set PGVERSION" >&2
	exit 1
fi
PGPORT=${PGPORT:-5432}
DB_ROLE=${DB_ROLE:-commonground}
DB_PASSWORD=${DB_PASSWORD:-commonground}

log() { printf 'provision-db: %s\n' "$*" >&2; }

as_postgres() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		sudo -u postgres "$@"
	fi
}

need_packages=()
dpkg -s "postgresql-$PGVERSION" >/dev/null 2>&1 || need_packages+=("postgresql-$PGVERSION")
dpkg -s "postgresql-$PGVERSION-postgis-3" >/dev/null 2>&1 || need_packages+=("postgresql-$PGVERSION-postgis-3")
if [ ${#need_packages[@]} -gt 0 ]; then
	log "installing ${need_packages[*]}"
	apt_update
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_packages[@]}" >/dev/null
fi

if ! pg_lsclusters -h | awk -v v="$PGVERSION" '$1 == v && $2 == "main"' | grep -q .; then
	log "creating cluster $PGVERSION/main on port $PGPORT"
	pg_createcluster "$PGVERSION" main --port "$PGPORT" >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$PGVERSION" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
	log "starting cluster $PGVERSION/main"
	pg_ctlcluster "$PGVERSION" main start
fi

psql_admin() { as_postgres env PGOPTIONS=--client-min-messages=warning psql -X -q -v ON_ERROR_STOP=1 -p "$PGPORT" "$@"; }

# The role may create databases (tests clone a template per package) but is
# not a superuser; PostGIS is installed into template1 so every database
# created from it already has the extension.
psql_admin -d postgres <<SQL
DO \$\$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_ROLE') THEN
		CREATE ROLE "$DB_ROLE" LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
	END IF;
END
\$\$;
SQL
psql_admin -d template1 -c 'CREATE EXTENSION IF NOT EXISTS postgis' -c 'CREATE EXTENSION IF NOT EXISTS pg_trgm'

for db in "$@"; do
	if ! psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
		log "creating database $db"
		psql_admin -d postgres -c "CREATE DATABASE \"$db\" OWNER \"$DB_ROLE\""
	fi
done
log "ready: postgres://$DB_ROLE:***@localhost:$PGPORT/"
