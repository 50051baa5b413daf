-- Insights: the feed (what happened in a workgroup), notifications (what
-- concerns one agent), and the indexes the dashboard and reports aggregate on.

-- One thing that happened in a workgroup, written in the same transaction as
-- the change it describes. The summary is frozen when written: the feed is a
-- record, later renames do not rewrite it.
CREATE TABLE events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workgroup_id uuid NOT NULL REFERENCES workgroups (id),
    at           timestamptz NOT NULL DEFAULT now(),
    kind         text NOT NULL CHECK (kind IN (
                   'service_created', 'service_completed',
                   'task_assigned', 'task_claimed', 'task_completed', 'task_failed',
                   'licenses_bought', 'coupon_generated', 'coupon_redeemed', 'refund',
                   'agent_invited', 'agent_joined', 'role_changed')),
    actor_id     uuid REFERENCES agents (id),
    -- What the event is about, for filters and links. No foreign keys to
    -- customers: a customer may be deleted, its history stays.
    customer_id  uuid,
    service_id   uuid,
    task_id      uuid,
    summary      text NOT NULL CHECK (char_length(summary) BETWEEN 1 AND 1000),
    link         text CHECK (link IS NULL OR (link LIKE '/%' AND link NOT LIKE '//%'))
);
-- The feed pages newest first (by id: keyset paging), whole or by kind or customer.
CREATE INDEX events_feed_idx ON events (workgroup_id, id DESC);
CREATE INDEX events_kind_idx ON events (workgroup_id, kind, id DESC);
CREATE INDEX events_customer_idx ON events (workgroup_id, customer_id, id DESC) WHERE customer_id IS NOT NULL;
-- "Service completed" is written once per service.
CREATE INDEX events_service_idx ON events (workgroup_id, service_id, kind) WHERE service_id IS NOT NULL;

-- Something that concerns one agent. Invitations reach an agent who is not
-- (yet) a member of the inviting workgroup, so a notification is read by its
-- agent whatever their current workgroup; it is written from inside the
-- workgroup it comes from.
CREATE TABLE notifications (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workgroup_id uuid NOT NULL REFERENCES workgroups (id),
    agent_id     uuid NOT NULL REFERENCES agents (id),
    kind         text NOT NULL CHECK (kind IN ('task_assigned', 'queue_task', 'invitation', 'license_expiring')),
    summary      text NOT NULL CHECK (char_length(summary) BETWEEN 1 AND 1000),
    link         text NOT NULL CHECK (link LIKE '/%' AND link NOT LIKE '//%'),
    -- Set where a thing is told once (a team's queue per service); see notification_once.
    once_key     text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    read_at      timestamptz
);
CREATE INDEX notifications_agent_idx ON notifications (agent_id, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (agent_id, workgroup_id) WHERE read_at IS NULL;

-- What has been told once already, per agent. Kept apart from notifications
-- (which a writer may not read back: they are their agent's alone), so a
-- writer can insert-if-new here and notify only for the fresh keys.
CREATE TABLE notification_once (
    workgroup_id uuid NOT NULL REFERENCES workgroups (id),
    agent_id     uuid NOT NULL REFERENCES agents (id),
    once_key     text NOT NULL,
    PRIMARY KEY (workgroup_id, agent_id, once_key)
);

-- Tells listening app processes whose bell changed (payload: the agent id).
CREATE FUNCTION notifications_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tandem_notifications', NEW.agent_id::text);
    RETURN NULL;
END $$;
CREATE TRIGGER notifications_changed AFTER INSERT OR UPDATE ON notifications
FOR EACH ROW EXECUTE FUNCTION notifications_changed();

-- Packs whose "running out in 30 days" notice has been given (once per pack).
CREATE TABLE license_expiry_notices (
    workgroup_id uuid NOT NULL,
    pack_id      uuid NOT NULL PRIMARY KEY,
    noticed_at   timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (workgroup_id, pack_id) REFERENCES license_packs (workgroup_id, id)
);

ALTER TABLE events ENABLE ROW LEVEL SECURITY;
ALTER TABLE events FORCE ROW LEVEL SECURITY;
CREATE POLICY events_tenant ON events FOR ALL
    USING (workgroup_id = app_workgroup()) WITH CHECK (workgroup_id = app_workgroup());

-- An agent reads and marks read their own notifications only; anyone acting
-- in a workgroup may notify someone from that workgroup.
ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE notifications FORCE ROW LEVEL SECURITY;
CREATE POLICY notifications_own_read ON notifications FOR SELECT
    USING (agent_id = app_agent());
CREATE POLICY notifications_own_update ON notifications FOR UPDATE
    USING (agent_id = app_agent()) WITH CHECK (agent_id = app_agent());
CREATE POLICY notifications_from_workgroup ON notifications FOR INSERT
    WITH CHECK (workgroup_id = app_workgroup());

ALTER TABLE notification_once ENABLE ROW LEVEL SECURITY;
ALTER TABLE notification_once FORCE ROW LEVEL SECURITY;
CREATE POLICY notification_once_tenant ON notification_once FOR ALL
    USING (workgroup_id = app_workgroup()) WITH CHECK (workgroup_id = app_workgroup());

ALTER TABLE license_expiry_notices ENABLE ROW LEVEL SECURITY;
ALTER TABLE license_expiry_notices FORCE ROW LEVEL SECURITY;
CREATE POLICY license_expiry_notices_tenant ON license_expiry_notices FOR ALL
    USING (workgroup_id = app_workgroup()) WITH CHECK (workgroup_id = app_workgroup());

GRANT SELECT, INSERT ON events TO tandem_app;
GRANT SELECT, INSERT ON notifications TO tandem_app;
GRANT UPDATE (read_at) ON notifications TO tandem_app;
GRANT SELECT, INSERT ON license_expiry_notices TO tandem_app;
GRANT SELECT, INSERT ON notification_once TO tandem_app;

-- The hourly pass over packs running out finds the workgroups concerned
-- (ids only) as the owner, then works inside each one's row-level security.
CREATE INDEX license_packs_expiry_idx ON license_packs (expires_at) WHERE available > 0;

CREATE FUNCTION expiring_pack_workgroups(within_days integer) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT DISTINCT p.workgroup_id FROM license_packs p
     WHERE p.available > 0 AND p.expires_at > now() AND p.expires_at <= now() + make_interval(days => within_days)
       AND NOT EXISTS (SELECT 1 FROM license_expiry_notices n WHERE n.pack_id = p.id)
$$;
REVOKE ALL ON FUNCTION expiring_pack_workgroups(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION expiring_pack_workgroups(integer) TO tandem_app;
DO $$ BEGIN
    EXECUTE format('CREATE POLICY license_packs_owner_read ON license_packs FOR SELECT TO %I USING (true)', current_user);
    EXECUTE format('CREATE POLICY license_expiry_notices_owner_read ON license_expiry_notices FOR SELECT TO %I USING (true)', current_user);
END $$;
