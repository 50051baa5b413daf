-- Shopping cart, orders (immutable once placed), payments, refunds, billing
-- information, subscription plans and the seats agents hold.
--
-- Orders are never updated or deleted by the app: an order is Open until a
-- payment row exists for it, Paid after, Refunded once a refund row exists.
-- Each of those rows is unique per order, so an order is paid once and
-- refunded once, whatever runs at the same time.

-- The subscription plans, priced per seat and year in US dollars (integer cents).
CREATE TABLE plans (
    code              text PRIMARY KEY CHECK (code IN ('get_organized', 'get_automated')),
    name              text NOT NULL UNIQUE,
    yearly_price_cents bigint NOT NULL CHECK (yearly_price_cents > 0),
    currency          char(3) NOT NULL DEFAULT 'USD',
    position          integer NOT NULL
);
INSERT INTO plans (code, name, yearly_price_cents, position) VALUES
    ('get_organized', 'Get Organized', 24000, 1),
    ('get_automated', 'Get Automated', 48000, 2);

-- A cart per agent and workgroup, kept on the server so it survives page loads.
CREATE TABLE carts (
    workgroup_id     uuid NOT NULL,
    agent_id         uuid NOT NULL,
    billing_address  jsonb,
    shipping_address jsonb,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workgroup_id, agent_id),
    FOREIGN KEY (workgroup_id, agent_id) REFERENCES memberships (workgroup_id, agent_id)
);

-- One line per product: a license type or a plan's seats.
CREATE TABLE cart_items (
    workgroup_id uuid NOT NULL,
    agent_id     uuid NOT NULL,
    license_type text REFERENCES license_types (code),
    plan         text REFERENCES plans (code),
    quantity     integer NOT NULL CHECK (quantity BETWEEN 1 AND 10000),
    added_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (num_nonnulls(license_type, plan) = 1),
    FOREIGN KEY (workgroup_id, agent_id) REFERENCES carts (workgroup_id, agent_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX cart_items_license_key ON cart_items (workgroup_id, agent_id, license_type) WHERE license_type IS NOT NULL;
CREATE UNIQUE INDEX cart_items_plan_key ON cart_items (workgroup_id, agent_id, plan) WHERE plan IS NOT NULL;

CREATE TABLE orders (
    id               uuid PRIMARY KEY,
    workgroup_id     uuid NOT NULL REFERENCES workgroups (id),
    -- A short number people can quote; unique across Tandem, so it says nothing of other workgroups' volume.
    number           bigint GENERATED ALWAYS AS IDENTITY (START WITH 1001) UNIQUE,
    -- Made when the Complete Purchase page opens: one order per key, ever.
    idempotency_key  uuid NOT NULL,
    -- What the key paid for (the cart's products and counts); a replay with another cart is refused.
    cart_fingerprint text NOT NULL,
    placed_by        uuid REFERENCES agents (id),
    created_at       timestamptz NOT NULL,
    method           text NOT NULL CHECK (method IN ('card', 'wire')),
    subtotal_cents   bigint NOT NULL CHECK (subtotal_cents >= 0),
    discount_percent integer NOT NULL CHECK (discount_percent BETWEEN 0 AND 100),
    discount_cents   bigint NOT NULL CHECK (discount_cents >= 0),
    total_cents      bigint NOT NULL CHECK (total_cents = subtotal_cents - discount_cents AND total_cents >= 0),
    currency         char(3) NOT NULL DEFAULT 'USD',
    billing_address  jsonb NOT NULL,
    shipping_address jsonb NOT NULL,
    quote_email      text,
    UNIQUE (workgroup_id, idempotency_key),
    UNIQUE (workgroup_id, id)
);
CREATE INDEX orders_workgroup_idx ON orders (workgroup_id, created_at DESC);

CREATE TABLE order_lines (
    workgroup_id     uuid NOT NULL,
    order_id         uuid NOT NULL,
    position         integer NOT NULL,
    license_type     text REFERENCES license_types (code),
    plan             text REFERENCES plans (code),
    name             text NOT NULL,
    quantity         integer NOT NULL CHECK (quantity > 0),
    unit_price_cents bigint NOT NULL CHECK (unit_price_cents >= 0),
    line_total_cents bigint NOT NULL CHECK (line_total_cents = quantity * unit_price_cents),
    CHECK (num_nonnulls(license_type, plan) = 1),
    PRIMARY KEY (order_id, position),
    FOREIGN KEY (workgroup_id, order_id) REFERENCES orders (workgroup_id, id)
);

-- The payment that settles an order: a card charge at checkout, or a wire
-- transfer an Administrator records. Only brand, last four and expiry of a card.
CREATE TABLE payments (
    id               uuid PRIMARY KEY,
    workgroup_id     uuid NOT NULL,
    order_id         uuid NOT NULL UNIQUE,
    method           text NOT NULL CHECK (method IN ('card', 'wire')),
    amount_cents     bigint NOT NULL CHECK (amount_cents >= 0),
    currency         char(3) NOT NULL,
    paid_at          timestamptz NOT NULL,
    gateway_charge   text,
    card_brand       text,
    card_last4       char(4) CHECK (card_last4 ~ '^[0-9]{4}$'),
    card_exp_month   integer CHECK (card_exp_month BETWEEN 1 AND 12),
    card_exp_year    integer,
    wire_reference   text,
    recorded_by      uuid REFERENCES agents (id),
    CHECK (method <> 'card' OR (gateway_charge IS NOT NULL AND card_last4 IS NOT NULL)),
    UNIQUE (workgroup_id, order_id),
    FOREIGN KEY (workgroup_id, order_id) REFERENCES orders (workgroup_id, id)
);

-- A refund returns a paid order's licenses, once.
CREATE INDEX payments_paid_idx ON payments (workgroup_id, paid_at);

CREATE TABLE refunds (
    id             uuid PRIMARY KEY,
    workgroup_id   uuid NOT NULL,
    order_id       uuid NOT NULL UNIQUE,
    amount_cents   bigint NOT NULL CHECK (amount_cents >= 0),
    refunded_at    timestamptz NOT NULL,
    gateway_refund text,
    refunded_by    uuid REFERENCES agents (id),
    FOREIGN KEY (workgroup_id, order_id) REFERENCES payments (workgroup_id, order_id)
);

CREATE INDEX refunds_refunded_idx ON refunds (workgroup_id, refunded_at);

-- The license packs an order created, for refunds and the details view.
CREATE TABLE order_packs (
    workgroup_id uuid NOT NULL,
    order_id     uuid NOT NULL,
    pack_id      uuid NOT NULL,
    -- The licenses the order put in the pack: a refund takes back exactly these.
    quantity     integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, pack_id),
    FOREIGN KEY (workgroup_id, order_id) REFERENCES orders (workgroup_id, id),
    FOREIGN KEY (workgroup_id, pack_id) REFERENCES license_packs (workgroup_id, id)
);

-- Seats bought through an order; a refund ends them.
ALTER TABLE subscription_packs ADD COLUMN order_id uuid REFERENCES orders (id);
ALTER TABLE subscription_packs ADD COLUMN refunded_at timestamptz;

-- Which agent holds which seat. Seats are handed out as agents join (in
-- joining order) and taken back when they go Inactive; renewal is per agent.
CREATE TABLE seat_assignments (
    workgroup_id uuid NOT NULL,
    agent_id     uuid NOT NULL,
    plan         text NOT NULL REFERENCES plans (code),
    renew        boolean NOT NULL DEFAULT true,
    assigned_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workgroup_id, agent_id),
    FOREIGN KEY (workgroup_id, agent_id) REFERENCES memberships (workgroup_id, agent_id)
);

-- Billing information of a workgroup: the subscription card (a gateway token
-- with brand, last four and expiry), the billing address, the currency.
CREATE TABLE billing_info (
    workgroup_id    uuid PRIMARY KEY REFERENCES workgroups (id),
    address         jsonb,
    card_token      text,
    card_brand      text,
    card_last4      char(4) CHECK (card_last4 ~ '^[0-9]{4}$'),
    card_exp_month  integer CHECK (card_exp_month BETWEEN 1 AND 12),
    card_exp_year   integer,
    currency_choice text NOT NULL DEFAULT 'usd' CHECK (currency_choice IN ('local', 'usd')),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      uuid REFERENCES agents (id)
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['carts', 'cart_items', 'orders', 'order_lines', 'payments', 'refunds',
                             'order_packs', 'seat_assignments', 'billing_info'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR ALL USING (workgroup_id = app_workgroup()) WITH CHECK (workgroup_id = app_workgroup())',
                       t || '_tenant', t);
    END LOOP;
END $$;

GRANT SELECT ON plans TO tandem_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON carts TO tandem_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON cart_items TO tandem_app;
-- Orders, their lines, payments, refunds: written once, never changed.
GRANT SELECT, INSERT ON orders TO tandem_app;
GRANT SELECT, INSERT ON order_lines TO tandem_app;
GRANT SELECT, INSERT ON payments TO tandem_app;
GRANT SELECT, INSERT ON refunds TO tandem_app;
GRANT SELECT, INSERT ON order_packs TO tandem_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON seat_assignments TO tandem_app;
GRANT SELECT, INSERT, UPDATE ON billing_info TO tandem_app;
