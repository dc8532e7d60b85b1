-- The hub's database roles, created once by a superuser (psql, or the postgres image's first start):
--
--   psql -v ON_ERROR_STOP=1 -v db=hub -v owner_password="$OWNER_PW" -v app_password="$APP_PW" -f roles.sql
--
-- hub_owner owns the database and its tables: `hub migrate` runs as it, and only it. hub_app is what the
-- servers and the worker log in as: it reads and writes the working tables, but it owns nothing, so it can
-- neither alter a table nor drop the triggers that keep the court-safe tables append-only, and grants.sql
-- (run by the owner after every migration) withholds UPDATE, DELETE and TRUNCATE on those tables.
\set ON_ERROR_STOP on

SELECT format('CREATE ROLE hub_owner LOGIN PASSWORD %L', :'owner_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hub_owner') \gexec
SELECT format('CREATE ROLE hub_app LOGIN PASSWORD %L', :'app_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hub_app') \gexec
-- Re-running the script sets the passwords again (how an operator rotates them).
SELECT format('ALTER ROLE hub_owner LOGIN PASSWORD %L', :'owner_password') \gexec
SELECT format('ALTER ROLE hub_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L',
              :'app_password') \gexec

SELECT format('CREATE DATABASE %I OWNER hub_owner', :'db')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SELECT format('ALTER DATABASE %I OWNER TO hub_owner', :'db') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db') \gexec
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO hub_app', :'db') \gexec

\connect :db
-- Only the owner creates objects; PostgreSQL 15 already denies CREATE on public to others, older ones did not.
ALTER SCHEMA public OWNER TO hub_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO hub_app;
