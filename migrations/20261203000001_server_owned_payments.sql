-- Payments only the server can make happen.
--
-- 1. A checkout the server opened. The Complete Purchase page holds only
--    `browser_key`, which finds this row for the same agent in the same
--    workgroup and nothing else. The row's `id` becomes the order's id and the
--    payment gateway's idempotency key: made here, unique across Tandem, never
--    sent to a browser. The cart it was opened for is fixed by `fingerprint`.
CREATE TABLE checkouts (
    id           uuid PRIMARY KEY,
    workgroup_id uuid NOT NULL REFERENCES workgroups (id),
    agent_id     uuid NOT NULL REFERENCES agents (id),
    browser_key  uuid NOT NULL,
    fingerprint  text NOT NULL,
    created_at   timestamptz NOT NULL,
    UNIQUE (workgroup_id, agent_id, browser_key)
);
CREATE INDEX checkouts_age_idx ON checkouts (workgroup_id, agent_id, created_at);
ALTER TABLE checkouts ENABLE ROW LEVEL SECURITY;
ALTER TABLE checkouts FORCE ROW LEVEL SECURITY;
CREATE POLICY checkouts_tenant ON checkouts FOR ALL
    USING (workgroup_id = app_workgroup() AND agent_id = app_agent())
    WITH CHECK (workgroup_id = app_workgroup() AND agent_id = app_agent());
GRANT SELECT, INSERT, DELETE ON checkouts TO tandem_app;

-- 2. Wire transfers are recorded by the operator of the installation
--    (`tandem orders mark-paid`), never by a workgroup. The operator's
--    commands read orders across workgroups as the tables' owner, whom forced
--    row-level security binds too (unless a superuser); the payment itself is
--    then written inside the order's workgroup, as the app role.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['orders', 'payments', 'refunds', 'workgroups'] LOOP
        EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO %I USING (true)', t || '_operator_read', t, current_user);
    END LOOP;
END $$;
COMMENT ON COLUMN payments.recorded_by IS 'The agent who paid by card; NULL for a wire transfer the operator recorded.';
