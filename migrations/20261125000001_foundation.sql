-- Foundation: agents, workgroups, memberships, sessions, sign-in throttling,
-- and the row-level security that keeps every workgroup to itself.
--
-- Tenant tables carry workgroup_id and have row-level security with FORCE.
-- Policies read two transaction-local settings made by begin_for():
-- app.workgroup_id (the current workgroup) and app.agent_id (the agent).

CREATE FUNCTION app_workgroup() RETURNS uuid
LANGUAGE sql STABLE AS $$ SELECT NULLIF(current_setting('app.workgroup_id', true), '')::uuid $$;

CREATE FUNCTION app_agent() RETURNS uuid
LANGUAGE sql STABLE AS $$ SELECT NULLIF(current_setting('app.agent_id', true), '')::uuid $$;

-- An agent is a person who signs in. Global, not owned by a workgroup.
CREATE TABLE agents (
    id            uuid PRIMARY KEY,
    name          text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    email         text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX agents_email_key ON agents (lower(email));

CREATE TABLE workgroups (
    id                 uuid PRIMARY KEY,
    name               text NOT NULL CHECK (char_length(btrim(name)) BETWEEN 1 AND 80),
    -- Used where a member has no hourly rate of their own. Integer cents.
    default_cost_cents bigint NOT NULL DEFAULT 0 CHECK (default_cost_cents BETWEEN 0 AND 100000000),
    currency           char(3) NOT NULL DEFAULT 'USD',
    created_by         uuid NOT NULL REFERENCES agents (id),
    created_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
    workgroup_id      uuid NOT NULL REFERENCES workgroups (id),
    agent_id          uuid NOT NULL REFERENCES agents (id),
    role              text NOT NULL CHECK (role IN ('administrator', 'manager', 'associate', 'inactive')),
    display_name      text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 100),
    hourly_rate_cents bigint CHECK (hourly_rate_cents BETWEEN 0 AND 100000000),
    joined_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workgroup_id, agent_id)
);
CREATE INDEX memberships_agent_idx ON memberships (agent_id, joined_at);

-- Subscriptions: plan seats held by a workgroup. Every new workgroup gets 3
-- free training seats; purchases add more.
CREATE TABLE subscription_packs (
    id           uuid PRIMARY KEY,
    workgroup_id uuid NOT NULL REFERENCES workgroups (id),
    plan         text NOT NULL CHECK (plan IN ('get_organized', 'get_automated')),
    seats        integer NOT NULL CHECK (seats > 0),
    source       text NOT NULL CHECK (source IN ('training', 'purchase', 'coupon')),
    acquired_at  timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz
);
CREATE INDEX subscription_packs_workgroup_idx ON subscription_packs (workgroup_id);

-- No agent may switch between more than 10 workgroups. The check runs in the
-- database, under a lock on the agent, so concurrent joins cannot overshoot.
CREATE FUNCTION enforce_membership_limit() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    active integer;
    acting text := current_setting('app.agent_id', true);
BEGIN
    IF NEW.role = 'inactive' THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.role <> 'inactive' THEN
        RETURN NEW;
    END IF;
    -- NO KEY UPDATE: serializes joins of one agent without conflicting with
    -- the KEY SHARE locks that foreign keys to agents take.
    PERFORM 1 FROM agents WHERE id = NEW.agent_id FOR NO KEY UPDATE;
    -- Count across workgroups: row-level security shows an agent's own
    -- memberships, so look as that agent for this one statement.
    PERFORM set_config('app.agent_id', NEW.agent_id::text, true);
    SELECT count(*) INTO active FROM memberships
     WHERE agent_id = NEW.agent_id AND role <> 'inactive' AND workgroup_id <> NEW.workgroup_id;
    PERFORM set_config('app.agent_id', coalesce(acting, ''), true);
    IF active >= 10 THEN
        RAISE EXCEPTION 'agent % already has 10 active workgroups', NEW.agent_id
            USING ERRCODE = 'TD001';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER memberships_limit BEFORE INSERT OR UPDATE OF role ON memberships
FOR EACH ROW EXECUTE FUNCTION enforce_membership_limit();

-- Sessions (tower-sessions), kept in PostgreSQL so app processes are stateless.
CREATE TABLE sessions (
    id         text PRIMARY KEY,
    data       jsonb NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Failed sign-ins, to slow down guessing per email and per address.
CREATE TABLE login_failures (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email     text NOT NULL,
    address   text NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_idx ON login_failures (lower(email), failed_at);
CREATE INDEX login_failures_address_idx ON login_failures (address, failed_at);

-- Row-level security. A workgroup is readable by its current session and by
-- its members (for the selector); everything else only inside the current one.
ALTER TABLE workgroups ENABLE ROW LEVEL SECURITY;
ALTER TABLE workgroups FORCE ROW LEVEL SECURITY;
CREATE POLICY workgroups_read ON workgroups FOR SELECT
    USING (id = app_workgroup()
           OR EXISTS (SELECT 1 FROM memberships m
                      WHERE m.workgroup_id = workgroups.id AND m.agent_id = app_agent()));
CREATE POLICY workgroups_write ON workgroups FOR ALL
    USING (id = app_workgroup()) WITH CHECK (id = app_workgroup());

ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
CREATE POLICY memberships_read ON memberships FOR SELECT
    USING (workgroup_id = app_workgroup() OR agent_id = app_agent());
CREATE POLICY memberships_write ON memberships FOR ALL
    USING (workgroup_id = app_workgroup()) WITH CHECK (workgroup_id = app_workgroup());

ALTER TABLE subscription_packs ENABLE ROW LEVEL SECURITY;
ALTER TABLE subscription_packs FORCE ROW LEVEL SECURITY;
CREATE POLICY subscription_packs_tenant ON subscription_packs FOR ALL
    USING (workgroup_id = app_workgroup()) WITH CHECK (workgroup_id = app_workgroup());

-- What the app role may do. It owns nothing; workgroups are never deleted.
GRANT USAGE ON SCHEMA public TO tandem_app;
GRANT EXECUTE ON FUNCTION app_workgroup(), app_agent() TO tandem_app;
GRANT SELECT, INSERT, UPDATE ON agents TO tandem_app;
GRANT SELECT, INSERT, UPDATE ON workgroups TO tandem_app;
GRANT SELECT, INSERT, UPDATE ON memberships TO tandem_app;
GRANT SELECT, INSERT, UPDATE ON subscription_packs TO tandem_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON sessions TO tandem_app;
GRANT SELECT, INSERT, DELETE ON login_failures TO tandem_app;
