-- Sign-ups taken per client address, to slow down floods of new accounts
-- (each costs a password hash and a workgroup). Pruned with login_failures.
CREATE TABLE sign_up_attempts (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    address    text NOT NULL,
    taken_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_up_attempts_address_idx ON sign_up_attempts (address, taken_at);
ALTER TABLE sign_up_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE sign_up_attempts FORCE ROW LEVEL SECURITY;
-- Like login_failures: read and written before anyone is signed in.
CREATE POLICY sign_up_attempts_all ON sign_up_attempts FOR ALL TO tandem_app USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, DELETE ON sign_up_attempts TO tandem_app;
