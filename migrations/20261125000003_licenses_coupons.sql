-- Licenses, license packs, the append-only license security log, and coupons.

-- The catalogue of license types, priced in US dollars (integer cents).
CREATE TABLE license_types (
    code             text PRIMARY KEY,
    name             text NOT NULL UNIQUE,
    unit_price_cents bigint NOT NULL CHECK (unit_price_cents > 0),
    currency         char(3) NOT NULL DEFAULT 'USD',
    per_user         boolean NOT NULL,
    position         integer NOT NULL
);
INSERT INTO license_types (code, name, unit_price_cents, per_user, position) VALUES
    ('user_migration_bundle', 'User Migration Bundle', 1500, true, 1),
    ('mailbox_migration', 'Mailbox Migration', 1200, true, 2),
    ('document_migration', 'Document Migration', 1500, true, 3),
    ('personal_archive_migration', 'Personal Archive Migration', 1200, true, 4),
    ('public_folder_migration', 'Public Folder Migration', 2500, false, 5);

-- One acquisition of licenses. Its counts change only through the log below.
CREATE TABLE license_packs (
    id           uuid PRIMARY KEY,
    workgroup_id uuid NOT NULL REFERENCES workgroups (id),
    license_type text NOT NULL REFERENCES license_types (code),
    source       text NOT NULL CHECK (source IN ('purchase', 'coupon')),
    acquired_at  timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    available    integer NOT NULL DEFAULT 0 CHECK (available >= 0),
    reserved     integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    consumed     integer NOT NULL DEFAULT 0 CHECK (consumed >= 0),
    coupon_id    uuid,
    -- When the counts last changed. The one column the app role may update:
    -- locking a row (SELECT ... FOR UPDATE) needs an UPDATE right on some column.
    changed_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workgroup_id, id)
);
CREATE INDEX license_packs_use_idx ON license_packs (workgroup_id, license_type, expires_at);

-- Every change of any pack's counts, append-only: the app role may insert and
-- read, never update or delete. Inserting a row is the only way to change a
-- count (the trigger applies it), so replaying the log gives today's counts.
CREATE TABLE license_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workgroup_id    uuid NOT NULL,
    pack_id         uuid NOT NULL,
    at              timestamptz NOT NULL DEFAULT now(),
    action          text NOT NULL CHECK (action IN
                      ('acquired', 'reserved', 'consumed', 'restored', 'moved_to_coupon', 'refunded', 'expired', 'retry_free')),
    available_delta integer NOT NULL,
    reserved_delta  integer NOT NULL,
    consumed_delta  integer NOT NULL,
    agent_id        uuid REFERENCES agents (id),
    reference       text,
    FOREIGN KEY (workgroup_id, pack_id) REFERENCES license_packs (workgroup_id, id)
);
CREATE INDEX license_log_workgroup_idx ON license_log (workgroup_id, at DESC);
CREATE INDEX license_log_pack_idx ON license_log (pack_id);

CREATE FUNCTION apply_license_log() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    UPDATE license_packs
       SET available = available + NEW.available_delta,
           reserved  = reserved + NEW.reserved_delta,
           consumed  = consumed + NEW.consumed_delta,
           changed_at = NEW.at
     WHERE id = NEW.pack_id AND workgroup_id = NEW.workgroup_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'license pack % not found', NEW.pack_id;
    END IF;
    RETURN NEW;
END $$;
REVOKE ALL ON FUNCTION apply_license_log() FROM PUBLIC;

CREATE TRIGGER license_log_apply AFTER INSERT ON license_log
FOR EACH ROW EXECUTE FUNCTION apply_license_log();

-- Coupons carry licenses of one type between workgroups (or from a
-- distributor). A code is redeemed at most once, ever.
CREATE TABLE coupons (
    id                    uuid PRIMARY KEY,
    code                  text NOT NULL UNIQUE,
    label                 text NOT NULL CHECK (char_length(label) BETWEEN 1 AND 100),
    license_type          text NOT NULL REFERENCES license_types (code),
    count                 integer NOT NULL CHECK (count > 0),
    expires_at            timestamptz NOT NULL,
    source_workgroup_id   uuid REFERENCES workgroups (id),
    source_pack_id        uuid,
    notify_email          text,
    created_by            uuid REFERENCES agents (id),
    created_at            timestamptz NOT NULL DEFAULT now(),
    redeemed_at           timestamptz,
    redeemed_workgroup_id uuid REFERENCES workgroups (id),
    redeemed_pack_id      uuid,
    CHECK ((redeemed_at IS NULL) = (redeemed_workgroup_id IS NULL))
);
CREATE INDEX coupons_source_idx ON coupons (source_workgroup_id, created_at DESC);

-- Failed coupon checks, to slow down guessing (per workgroup).
CREATE TABLE coupon_failures (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workgroup_id uuid NOT NULL REFERENCES workgroups (id),
    failed_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX coupon_failures_idx ON coupon_failures (workgroup_id, failed_at);

ALTER TABLE license_packs ENABLE ROW LEVEL SECURITY;
ALTER TABLE license_packs FORCE ROW LEVEL SECURITY;
CREATE POLICY license_packs_tenant ON license_packs FOR ALL
    USING (workgroup_id = app_workgroup()) WITH CHECK (workgroup_id = app_workgroup());

ALTER TABLE license_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE license_log FORCE ROW LEVEL SECURITY;
CREATE POLICY license_log_tenant ON license_log FOR ALL
    USING (workgroup_id = app_workgroup()) WITH CHECK (workgroup_id = app_workgroup());

ALTER TABLE coupon_failures ENABLE ROW LEVEL SECURITY;
ALTER TABLE coupon_failures FORCE ROW LEVEL SECURITY;
CREATE POLICY coupon_failures_tenant ON coupon_failures FOR ALL
    USING (workgroup_id = app_workgroup()) WITH CHECK (workgroup_id = app_workgroup());

-- Coupons: the issuing workgroup sees its own; anyone holding a code may read
-- that one coupon and redeem it into their current workgroup; the operator
-- command issues distributor coupons.
ALTER TABLE coupons ENABLE ROW LEVEL SECURITY;
ALTER TABLE coupons FORCE ROW LEVEL SECURITY;
CREATE POLICY coupons_issuer ON coupons FOR ALL
    USING (source_workgroup_id = app_workgroup())
    WITH CHECK (source_workgroup_id = app_workgroup());
CREATE POLICY coupons_holder_read ON coupons FOR SELECT
    USING (code = NULLIF(current_setting('app.coupon_code', true), ''));
CREATE POLICY coupons_holder_redeem ON coupons FOR UPDATE
    USING (code = NULLIF(current_setting('app.coupon_code', true), ''))
    WITH CHECK (redeemed_workgroup_id = app_workgroup());
CREATE POLICY coupons_distributor ON coupons FOR INSERT
    WITH CHECK (source_workgroup_id IS NULL AND current_setting('app.distributor', true) = 'on');

GRANT SELECT ON license_types TO tandem_app;
GRANT SELECT ON license_packs TO tandem_app;
-- Counts are not among the columns the app may write.
GRANT INSERT (id, workgroup_id, license_type, source, acquired_at, expires_at, coupon_id) ON license_packs TO tandem_app;
GRANT UPDATE (changed_at) ON license_packs TO tandem_app;
GRANT SELECT, INSERT ON license_log TO tandem_app;
GRANT SELECT, INSERT, UPDATE ON coupons TO tandem_app;
GRANT SELECT, INSERT, DELETE ON coupon_failures TO tandem_app;
