-- What the runtime role hub_app may do, re-applied by the owner after every migration (the compose file's
-- `grants` job; by hand: psql "$OWNER_URL" -v ON_ERROR_STOP=1 -f grants.sql). Idempotent.
--
-- Everything the servers and the worker need on the working tables; on the court-safe tables (the audit
-- chain, its signed checkpoints, record versions) only SELECT and INSERT: history is appended, never
-- rewritten, and that holds even for someone holding the hub's own credentials. The triggers of migrations
-- 0001/0002 refuse the same changes; the owner could drop them, hub_app cannot (it owns nothing).
\set ON_ERROR_STOP on
\if :{?app}
\else
\set app hub_app
\endif

GRANT USAGE ON SCHEMA public TO :"app";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";

REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_events, audit_checkpoints, record_versions
    FROM :"app";
REVOKE TRUNCATE, TRIGGER ON ALL TABLES IN SCHEMA public FROM :"app";
-- The schema version is the migrations' business.
REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM :"app";
