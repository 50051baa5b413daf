-- Invitations, the mail outbox, and teams.

-- An invitation to join a workgroup with a role. The accept link carries a
-- 256-bit random token. It is kept (not only its hash) so that the workgroup's
-- Administrators and Managers can copy the link again until it is used.
CREATE TABLE invitations (
    id           uuid PRIMARY KEY,
    workgroup_id uuid NOT NULL REFERENCES workgroups (id),
    email        text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
    role         text NOT NULL CHECK (role IN ('administrator', 'manager', 'associate')),
    token        text NOT NULL UNIQUE,
    invited_by   uuid NOT NULL REFERENCES agents (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    accepted_at  timestamptz,
    accepted_by  uuid REFERENCES agents (id),
    revoked_at   timestamptz,
    CHECK (accepted_at IS NULL OR revoked_at IS NULL)
);
-- One open invitation per email and workgroup.
CREATE UNIQUE INDEX invitations_open_key ON invitations (workgroup_id, lower(email))
    WHERE accepted_at IS NULL AND revoked_at IS NULL;
CREATE INDEX invitations_workgroup_idx ON invitations (workgroup_id, created_at DESC);

-- Mail waiting to be sent (over SMTP when configured), per workgroup.
CREATE TABLE mail_outbox (
    id           uuid PRIMARY KEY,
    workgroup_id uuid NOT NULL REFERENCES workgroups (id),
    to_email     text NOT NULL,
    subject      text NOT NULL,
    body         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz,
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text
);
CREATE INDEX mail_outbox_unsent_idx ON mail_outbox (created_at) WHERE sent_at IS NULL;

CREATE TABLE teams (
    id           uuid PRIMARY KEY,
    workgroup_id uuid NOT NULL REFERENCES workgroups (id),
    name         text NOT NULL CHECK (char_length(btrim(name)) BETWEEN 1 AND 80),
    mode         text NOT NULL CHECK (mode IN ('pull_from_queue', 'load_balance')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workgroup_id, id)
);
CREATE UNIQUE INDEX teams_name_key ON teams (workgroup_id, lower(name));

-- A team's members are members of the team's workgroup: the composite keys
-- make any other pairing impossible.
CREATE TABLE team_members (
    workgroup_id uuid NOT NULL,
    team_id      uuid NOT NULL,
    agent_id     uuid NOT NULL,
    added_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, agent_id),
    FOREIGN KEY (workgroup_id, team_id) REFERENCES teams (workgroup_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workgroup_id, agent_id) REFERENCES memberships (workgroup_id, agent_id)
);
CREATE INDEX team_members_agent_idx ON team_members (workgroup_id, agent_id);

ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
CREATE POLICY invitations_tenant ON invitations FOR ALL
    USING (workgroup_id = app_workgroup()) WITH CHECK (workgroup_id = app_workgroup());
-- The person following an invitation link is not in the workgroup yet: they
-- may read the one invitation whose token they hold.
CREATE POLICY invitations_by_token ON invitations FOR SELECT
    USING (token = NULLIF(current_setting('app.invitation_token', true), ''));

ALTER TABLE mail_outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE mail_outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY mail_outbox_tenant ON mail_outbox FOR ALL
    USING (workgroup_id = app_workgroup()) WITH CHECK (workgroup_id = app_workgroup());

ALTER TABLE teams ENABLE ROW LEVEL SECURITY;
ALTER TABLE teams FORCE ROW LEVEL SECURITY;
CREATE POLICY teams_tenant ON teams FOR ALL
    USING (workgroup_id = app_workgroup()) WITH CHECK (workgroup_id = app_workgroup());

ALTER TABLE team_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE team_members FORCE ROW LEVEL SECURITY;
CREATE POLICY team_members_tenant ON team_members FOR ALL
    USING (workgroup_id = app_workgroup()) WITH CHECK (workgroup_id = app_workgroup());

GRANT SELECT, INSERT, UPDATE ON invitations TO tandem_app;
GRANT SELECT, INSERT, UPDATE ON mail_outbox TO tandem_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON teams TO tandem_app;
GRANT SELECT, INSERT, DELETE ON team_members TO tandem_app;

-- The mail sender (one background task) works across workgroups.
CREATE POLICY mail_outbox_sender ON mail_outbox FOR ALL
    USING (current_setting('app.mail_sender', true) = 'on')
    WITH CHECK (current_setting('app.mail_sender', true) = 'on');
