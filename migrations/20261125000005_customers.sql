-- Customers (the MSP's client companies), their users (the customer's
-- employees) and groups of users gathered for a service.

CREATE TABLE customers (
    id           uuid PRIMARY KEY,
    workgroup_id uuid NOT NULL REFERENCES workgroups (id),
    name         text NOT NULL CHECK (char_length(btrim(name)) BETWEEN 1 AND 120),
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workgroup_id, id)
);
CREATE UNIQUE INDEX customers_name_key ON customers (workgroup_id, lower(name));

CREATE TABLE customer_users (
    id           uuid PRIMARY KEY,
    workgroup_id uuid NOT NULL,
    customer_id  uuid NOT NULL,
    name         text NOT NULL CHECK (char_length(btrim(name)) BETWEEN 1 AND 120),
    email        text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workgroup_id, id),
    UNIQUE (workgroup_id, customer_id, id),
    FOREIGN KEY (workgroup_id, customer_id) REFERENCES customers (workgroup_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX customer_users_email_key ON customer_users (workgroup_id, customer_id, lower(email));
CREATE INDEX customer_users_name_idx ON customer_users (workgroup_id, customer_id, lower(name), id);

CREATE TABLE user_groups (
    id           uuid PRIMARY KEY,
    workgroup_id uuid NOT NULL,
    customer_id  uuid NOT NULL,
    name         text NOT NULL CHECK (char_length(btrim(name)) BETWEEN 1 AND 120),
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workgroup_id, id),
    UNIQUE (workgroup_id, customer_id, id),
    FOREIGN KEY (workgroup_id, customer_id) REFERENCES customers (workgroup_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX user_groups_name_key ON user_groups (workgroup_id, customer_id, lower(name));

-- A group holds users of its own customer only: both keys carry the customer.
CREATE TABLE user_group_members (
    workgroup_id uuid NOT NULL,
    customer_id  uuid NOT NULL,
    group_id     uuid NOT NULL,
    user_id      uuid NOT NULL,
    PRIMARY KEY (group_id, user_id),
    FOREIGN KEY (workgroup_id, customer_id, group_id) REFERENCES user_groups (workgroup_id, customer_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workgroup_id, customer_id, user_id) REFERENCES customer_users (workgroup_id, customer_id, id) ON DELETE CASCADE
);
CREATE INDEX user_group_members_user_idx ON user_group_members (user_id);

ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE customers FORCE ROW LEVEL SECURITY;
CREATE POLICY customers_tenant ON customers FOR ALL
    USING (workgroup_id = app_workgroup()) WITH CHECK (workgroup_id = app_workgroup());

ALTER TABLE customer_users ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_users FORCE ROW LEVEL SECURITY;
CREATE POLICY customer_users_tenant ON customer_users FOR ALL
    USING (workgroup_id = app_workgroup()) WITH CHECK (workgroup_id = app_workgroup());

ALTER TABLE user_groups ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_groups FORCE ROW LEVEL SECURITY;
CREATE POLICY user_groups_tenant ON user_groups FOR ALL
    USING (workgroup_id = app_workgroup()) WITH CHECK (workgroup_id = app_workgroup());

ALTER TABLE user_group_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_group_members FORCE ROW LEVEL SECURITY;
CREATE POLICY user_group_members_tenant ON user_group_members FOR ALL
    USING (workgroup_id = app_workgroup()) WITH CHECK (workgroup_id = app_workgroup());

GRANT SELECT, INSERT, UPDATE, DELETE ON customers, customer_users, user_groups, user_group_members TO tandem_app;
