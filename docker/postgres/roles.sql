-- The hub's database roles, created once by a superuser (psql, or the postgres image's first start):
--
--   psql -v ON_ERROR_STOP=1 -v db=hub -v owner_password="$OWNER_PW" -v app_password="$APP_PW" -f roles.sql
--
-- hub_owner owns the database and its tables: `hub migrate` runs as it, and only it. hub_app is what the
-- servers and the worker log in as: it reads and writes the working tables, but it owns nothing, so it can
-- neither alter a table nor drop the triggers that keep the court-safe tables append-only, and grants.sql
-- (run by the owner after every migration) withholds UPDATE, DELETE and TRUNCATE on those tables.
\set ON_ERROR_STOP on
-- The role names may be given (-v owner=... -v app=...); hub_owner and hub_app otherwise.
\if :{?owner}
\else
\set owner hub_owner
\endif
\if :{?app}
\else
\set app hub_app
\endif

SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'owner', :'owner_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'app', :'app_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') \gexec
-- Re-running the script sets the passwords again (how an operator rotates them).
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'owner', :'owner_password') \gexec
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L',
              :'app', :'app_password') \gexec

SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'db', :'owner') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db') \gexec
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', :'db', :'app') \gexec

\connect :db
-- Only the owner creates objects; PostgreSQL 15 already denies CREATE on public to others, older ones did not.
ALTER SCHEMA public OWNER TO :"owner";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";
