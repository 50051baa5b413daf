-- Bounds on what a workgroup can create, so every list a page shows whole
-- (teams, runbooks and their steps, a customer's groups, members) and
-- every count a page makes has a ceiling no tenant can push up.
--
-- One statement-level trigger per table counts the rows of each workgroup
-- (or customer, or runbook) the statement touched, after it ran, and
-- refuses the whole statement past the bound. The advisory lock makes
-- concurrent inserts for one key count one after the other, so the bound
-- holds exactly.
--
-- Refusals meant for people use SQLSTATE class TD with the sentence to show
-- as the message (src/error.rs turns them into a 409 with that text): the
-- bound's own sentence, and the workgroup limit's, which said it in Rust
-- before.

CREATE FUNCTION enforce_bound() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    key_column text := TG_ARGV[0];
    most bigint := TG_ARGV[1]::bigint;
    bound_name text := TG_ARGV[2];
    sentence text := TG_ARGV[3];
    workgroup uuid;
    key uuid;
    rows_now bigint;
BEGIN
    FOR workgroup, key IN EXECUTE format(
        'SELECT DISTINCT workgroup_id, %I FROM new_rows ORDER BY 1, 2', key_column)
    LOOP
        -- The built-in runbooks belong to no workgroup and have no bound.
        CONTINUE WHEN workgroup IS NULL OR key IS NULL;
        PERFORM pg_advisory_xact_lock(hashtextextended(bound_name || ':' || key::text, 0));
        EXECUTE format('SELECT count(*) FROM %I.%I WHERE workgroup_id = $1 AND %I = $2',
                       TG_TABLE_SCHEMA, TG_TABLE_NAME, key_column)
            INTO rows_now USING workgroup, key;
        IF rows_now > most THEN
            RAISE EXCEPTION USING ERRCODE = 'TD002', MESSAGE = sentence, CONSTRAINT = bound_name,
                DETAIL = format('%s would have %s rows for %s, at most %s', TG_TABLE_NAME, rows_now, key, most);
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

CREATE TRIGGER memberships_bound AFTER INSERT ON memberships
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION enforce_bound('workgroup_id', '1000', 'memberships_bound',
        'A workgroup can have at most 1,000 members, Inactive ones included.');
CREATE TRIGGER teams_bound AFTER INSERT ON teams
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION enforce_bound('workgroup_id', '200', 'teams_bound',
        'A workgroup can have at most 200 teams. Delete one it no longer uses first.');
CREATE TRIGGER runbooks_bound AFTER INSERT ON runbooks
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION enforce_bound('workgroup_id', '500', 'runbooks_bound',
        'A workgroup can have at most 500 runbooks. Delete one it no longer uses first.');
CREATE TRIGGER runbook_steps_bound AFTER INSERT ON runbook_steps
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION enforce_bound('runbook_id', '200', 'runbook_steps_bound',
        'A runbook can have at most 200 tasks. Split it into two runbooks.');
CREATE TRIGGER customers_bound AFTER INSERT ON customers
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION enforce_bound('workgroup_id', '10000', 'customers_bound',
        'A workgroup can have at most 10,000 customers.');
CREATE TRIGGER customer_users_bound AFTER INSERT ON customer_users
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION enforce_bound('customer_id', '100000', 'customer_users_bound',
        'A customer can have at most 100,000 users. Nothing was added.');
CREATE TRIGGER user_groups_bound AFTER INSERT ON user_groups
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION enforce_bound('customer_id', '1000', 'user_groups_bound',
        'A customer can have at most 1,000 groups. Delete one it no longer uses first.');

-- The workgroup limit's refusal, now worded for people in the database.
CREATE OR REPLACE FUNCTION enforce_membership_limit() RETURNS trigger
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
        RAISE EXCEPTION USING ERRCODE = 'TD001',
            MESSAGE = 'An agent can switch between at most 10 workgroups. Leave one (or ask its administrator to set you Inactive) first.',
            DETAIL = format('agent %s already has 10 active workgroups', NEW.agent_id);
    END IF;
    RETURN NEW;
END $$;
