#!/bin/sh
# The postgres image runs this once, when its data directory is new: the hub's roles and database from
# roles.sql, with passwords read from the compose secrets (never from the environment or the image).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v db="${HUB_DATABASE_NAME:-hub}" \
     -v owner_password="$(cat /run/secrets/hub_owner_password)" \
     -v app_password="$(cat /run/secrets/hub_app_password)" \
     -f /hub-sql/roles.sql
