-- tower-cors-postgres: tenant origins and the CORS policy, with the
-- notifications that keep every instance of a fleet up to date.
-- Idempotent: apply_schema() runs it at every start.

-- One row per origin a tenant's pages are served from, exactly as browsers
-- send it in `Origin` (scheme://host[:port], lowercase, no path).
CREATE TABLE IF NOT EXISTS cors_origins (
    origin     text PRIMARY KEY
               CHECK (origin ~ '^https?://[a-z0-9.:\[\]-]+$' AND length(origin) <= 320),
    tenant     text,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The policy of the instances started with the same name ('default'
-- unless PgCors::policy_name says otherwise): a tower_cors::CorsConfig as
-- TOML text. A row that does not build is refused by every instance, which
-- keeps the policy it had and logs every mistake.
CREATE TABLE IF NOT EXISTS cors_policy (
    name       text PRIMARY KEY DEFAULT 'default',
    config     text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Notifications on channel 'tower_cors', sent when the transaction commits:
--   'origin <origin>'  an origin was added, changed or removed
--   'origins'          cors_origins was truncated
--   'policy <name>'    a policy row was added, changed or removed
CREATE OR REPLACE FUNCTION tower_cors_origin_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('tower_cors', 'origins');
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM pg_notify('tower_cors', 'origin ' || OLD.origin);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM pg_notify('tower_cors', 'origin ' || NEW.origin);
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION tower_cors_policy_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM pg_notify('tower_cors', 'policy ' || OLD.name);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM pg_notify('tower_cors', 'policy ' || NEW.name);
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS tower_cors_origin_changed ON cors_origins;
CREATE TRIGGER tower_cors_origin_changed
    AFTER INSERT OR UPDATE OR DELETE ON cors_origins
    FOR EACH ROW EXECUTE FUNCTION tower_cors_origin_changed();

DROP TRIGGER IF EXISTS tower_cors_origins_truncated ON cors_origins;
CREATE TRIGGER tower_cors_origins_truncated
    AFTER TRUNCATE ON cors_origins
    FOR EACH STATEMENT EXECUTE FUNCTION tower_cors_origin_changed();

DROP TRIGGER IF EXISTS tower_cors_policy_changed ON cors_policy;
CREATE TRIGGER tower_cors_policy_changed
    AFTER INSERT OR UPDATE OR DELETE ON cors_policy
    FOR EACH ROW EXECUTE FUNCTION tower_cors_policy_changed();
