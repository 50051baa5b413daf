-- Least privilege for the app's roles.
--
-- 1. UPDATE covers only the columns the code updates. (Start-up refuses to
--    serve if the app role may update more: src/server/db.rs.)
REVOKE UPDATE ON agents, coupons, subscription_packs, workgroups FROM tandem_app;
GRANT UPDATE (name, password_hash, email_verified_at) ON agents TO tandem_app;
GRANT UPDATE (redeemed_at, redeemed_workgroup_id, redeemed_pack_id) ON coupons TO tandem_app;
GRANT UPDATE (refunded_at) ON subscription_packs TO tandem_app;
GRANT UPDATE (name, default_cost_cents) ON workgroups TO tandem_app;

-- 2. SECURITY DEFINER functions resolve names in the catalog and public
--    only, temporary objects last, so no session can shadow a table or an
--    operator they use.
DO $$
DECLARE f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
              WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, public, pg_temp', f);
    END LOOP;
END $$;

-- 3. Nothing is keyed on a setting the app role can set itself.
--    Distributor coupons are issued by the operator (`tandem coupons
--    create`, as the tables' owner), never by a session that sets
--    app.distributor.
DROP POLICY coupons_distributor ON coupons;
DO $$
BEGIN
    EXECUTE format('CREATE POLICY coupons_operator_issue ON coupons FOR INSERT TO %I WITH CHECK (source_workgroup_id IS NULL)', current_user);
END $$;
--    The mail sender is a role of its own (tandem_mail, made with
--    tandem_app at start-up), not a session that sets app.mail_sender: the
--    app role cannot read other workgroups' mail.
DROP POLICY mail_outbox_sender ON mail_outbox;
CREATE POLICY mail_outbox_sender ON mail_outbox FOR ALL TO tandem_mail USING (true) WITH CHECK (true);
GRANT USAGE ON SCHEMA public TO tandem_mail;
GRANT SELECT, UPDATE (sent_at, attempts, last_error) ON mail_outbox TO tandem_mail;
