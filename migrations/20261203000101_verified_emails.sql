-- Emails carry power (invitations) only once verified, and the tokens that
-- prove an address (verification links, invitation links) are kept as their
-- SHA-256 only: the link lives in the mail, never again in the database.

-- Agents who signed up before verification existed count as verified: they
-- were let in under the old rules, and locking them out of invitations they
-- may already hold would be worse than the (closed from now on) hole.
ALTER TABLE agents ADD COLUMN email_verified_at timestamptz;
UPDATE agents SET email_verified_at = created_at;

-- One live verification link per agent (a resend replaces it). token_hash is
-- the lowercase hex SHA-256 of the 32 random bytes' URL-safe encoding.
CREATE TABLE email_verifications (
    token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    agent_id   uuid NOT NULL REFERENCES agents (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX email_verifications_agent_idx ON email_verifications (agent_id);

-- Readable by its agent, and by whoever holds the link (who may not be
-- signed in: the mail may be opened on another device).
ALTER TABLE email_verifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE email_verifications FORCE ROW LEVEL SECURITY;
CREATE POLICY email_verifications_own ON email_verifications FOR ALL
    USING (agent_id = app_agent()) WITH CHECK (agent_id = app_agent());
CREATE POLICY email_verifications_by_token ON email_verifications FOR ALL
    USING (token_hash = NULLIF(current_setting('app.verification_token_hash', true), ''));
GRANT SELECT, INSERT, DELETE ON email_verifications TO tandem_app;

-- Invitation tokens: hashed in place (PostgreSQL has sha256() built in), and
-- the policy that lets a link's holder read their invitation matches the hash.
ALTER TABLE invitations ADD COLUMN token_hash text;
UPDATE invitations SET token_hash = encode(sha256(convert_to(token, 'UTF8')), 'hex');
ALTER TABLE invitations ALTER COLUMN token_hash SET NOT NULL;
ALTER TABLE invitations ADD CONSTRAINT invitations_token_hash_key UNIQUE (token_hash);
ALTER TABLE invitations ADD CONSTRAINT invitations_token_hash_hex CHECK (token_hash ~ '^[0-9a-f]{64}$');
DROP POLICY invitations_by_token ON invitations;
ALTER TABLE invitations DROP COLUMN token;
CREATE POLICY invitations_by_token ON invitations FOR SELECT
    USING (token_hash = NULLIF(current_setting('app.invitation_token_hash', true), ''));
-- Resend makes a new link (the old one stops working) and sends it again.
ALTER TABLE invitations ADD COLUMN sent_at timestamptz NOT NULL DEFAULT now();
UPDATE invitations SET sent_at = created_at;

-- Mail about an account (a verification link) belongs to no workgroup. The
-- app may write it; only the sender and the operator's outbox read it.
ALTER TABLE mail_outbox ALTER COLUMN workgroup_id DROP NOT NULL;
CREATE POLICY mail_outbox_account ON mail_outbox FOR INSERT
    WITH CHECK (workgroup_id IS NULL AND app_agent() IS NOT NULL);

-- Sessions name their agent (set by the session store from the session's
-- data), so an agent's sessions can be listed and ended; last_seen_at is
-- refreshed at most every few minutes as the session is used.
ALTER TABLE sessions ADD COLUMN agent_id uuid REFERENCES agents (id);
ALTER TABLE sessions ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE sessions ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX sessions_agent_idx ON sessions (agent_id) WHERE agent_id IS NOT NULL;
UPDATE sessions s SET agent_id = a.id FROM agents a WHERE a.id::text = s.data->>'agent_id';
