-- Runbooks (a built-in library plus each workgroup's own), services made by
-- assigning a runbook to a customer, and their tasks.

-- A runbook with no workgroup belongs to the built-in library every
-- workgroup reads; a workgroup's own runbooks are visible to it alone.
CREATE TABLE runbooks (
    id           uuid PRIMARY KEY,
    workgroup_id uuid REFERENCES workgroups (id),
    name         text NOT NULL CHECK (char_length(btrim(name)) BETWEEN 1 AND 120),
    description  text NOT NULL DEFAULT '' CHECK (char_length(description) <= 2000),
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workgroup_id, id)
);
CREATE UNIQUE INDEX runbooks_name_key ON runbooks (coalesce(workgroup_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));

CREATE TABLE runbook_steps (
    id                uuid PRIMARY KEY,
    workgroup_id      uuid,
    runbook_id        uuid NOT NULL REFERENCES runbooks (id) ON DELETE CASCADE,
    position          integer NOT NULL,
    name              text NOT NULL CHECK (char_length(btrim(name)) BETWEEN 1 AND 120),
    instructions      text NOT NULL DEFAULT '' CHECK (char_length(instructions) <= 4000),
    estimated_minutes integer NOT NULL CHECK (estimated_minutes BETWEEN 1 AND 100000),
    license_type      text REFERENCES license_types (code),
    -- A custom step belongs to a runbook of the same workgroup.
    FOREIGN KEY (workgroup_id, runbook_id) REFERENCES runbooks (workgroup_id, id) ON DELETE CASCADE
);
CREATE INDEX runbook_steps_runbook_idx ON runbook_steps (runbook_id, position);

-- The built-in library.
INSERT INTO runbooks (id, workgroup_id, name, description) VALUES
    ('8f2b6a4e-0001-4c1a-9d2e-000000000001', NULL, 'Onboard a new employee',
     'Accounts, mailbox, licenses, devices and a welcome call for someone joining the customer.'),
    ('8f2b6a4e-0001-4c1a-9d2e-000000000002', NULL, 'Offboard an employee',
     'Close access, keep the data, return the devices of someone leaving the customer.'),
    ('8f2b6a4e-0001-4c1a-9d2e-000000000003', NULL, 'Mailbox migration to Office 365',
     'Move each user''s mailbox to Office 365. Needs one Mailbox Migration license per user.'),
    ('8f2b6a4e-0001-4c1a-9d2e-000000000004', NULL, 'Document migration',
     'Move each user''s documents to OneDrive. Needs one Document Migration license per user.');

INSERT INTO runbook_steps (id, workgroup_id, runbook_id, position, name, instructions, estimated_minutes, license_type) VALUES
    ('8f2b6a4e-0002-4c1a-9d2e-000000000101', NULL, '8f2b6a4e-0001-4c1a-9d2e-000000000001', 1, 'Create the user account',
     'Create the account in the directory with the agreed naming scheme; set a temporary password.', 15, NULL),
    ('8f2b6a4e-0002-4c1a-9d2e-000000000102', NULL, '8f2b6a4e-0001-4c1a-9d2e-000000000001', 2, 'Set up the mailbox',
     'Create the mailbox, add the user to the right distribution lists and shared mailboxes.', 20, NULL),
    ('8f2b6a4e-0002-4c1a-9d2e-000000000103', NULL, '8f2b6a4e-0001-4c1a-9d2e-000000000001', 3, 'Prepare the laptop',
     'Enrol the device, install the standard applications, encrypt the disk.', 60, NULL),
    ('8f2b6a4e-0002-4c1a-9d2e-000000000104', NULL, '8f2b6a4e-0001-4c1a-9d2e-000000000001', 4, 'Welcome call',
     'Walk the new employee through sign-in, multi-factor set-up and where to ask for help.', 30, NULL),
    ('8f2b6a4e-0002-4c1a-9d2e-000000000201', NULL, '8f2b6a4e-0001-4c1a-9d2e-000000000002', 1, 'Block sign-in',
     'Block sign-in and revoke sessions on the agreed leaving time.', 10, NULL),
    ('8f2b6a4e-0002-4c1a-9d2e-000000000202', NULL, '8f2b6a4e-0001-4c1a-9d2e-000000000002', 2, 'Keep the mailbox',
     'Convert the mailbox to shared and give the manager access.', 20, NULL),
    ('8f2b6a4e-0002-4c1a-9d2e-000000000203', NULL, '8f2b6a4e-0001-4c1a-9d2e-000000000002', 3, 'Collect the devices',
     'Arrange the return of the laptop and phone; wipe them once back.', 45, NULL),
    ('8f2b6a4e-0002-4c1a-9d2e-000000000301', NULL, '8f2b6a4e-0001-4c1a-9d2e-000000000003', 1, 'Prepare the tenant',
     'Check the Office 365 tenant, verify the domain and create the migration endpoint.', 45, NULL),
    ('8f2b6a4e-0002-4c1a-9d2e-000000000302', NULL, '8f2b6a4e-0001-4c1a-9d2e-000000000003', 2, 'Migrate the mailbox',
     'Run the mailbox migration for this user and check the item counts afterwards.', 30, 'mailbox_migration'),
    ('8f2b6a4e-0002-4c1a-9d2e-000000000303', NULL, '8f2b6a4e-0001-4c1a-9d2e-000000000003', 3, 'Switch the MX records',
     'Point the MX records at Office 365 once every mailbox is across.', 20, NULL),
    ('8f2b6a4e-0002-4c1a-9d2e-000000000401', NULL, '8f2b6a4e-0001-4c1a-9d2e-000000000004', 1, 'Map the document libraries',
     'List the file shares and decide where each goes.', 60, NULL),
    ('8f2b6a4e-0002-4c1a-9d2e-000000000402', NULL, '8f2b6a4e-0001-4c1a-9d2e-000000000004', 2, 'Migrate the documents',
     'Run the document migration for this user and check the file counts.', 40, 'document_migration');

-- A service: one runbook assigned to one customer. The task counters are kept
-- by the trigger below so the Delivery Center never counts rows per page.
CREATE TABLE services (
    id               uuid PRIMARY KEY,
    workgroup_id     uuid NOT NULL REFERENCES workgroups (id),
    customer_id      uuid NOT NULL,
    runbook_id       uuid NOT NULL REFERENCES runbooks (id),
    name             text NOT NULL CHECK (char_length(btrim(name)) BETWEEN 1 AND 200),
    due_on           date NOT NULL,
    agent_id         uuid,
    team_id          uuid,
    created_by       uuid NOT NULL REFERENCES agents (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    tasks_total      integer NOT NULL CHECK (tasks_total > 0),
    tasks_completed  integer NOT NULL DEFAULT 0 CHECK (tasks_completed >= 0),
    tasks_failed     integer NOT NULL DEFAULT 0 CHECK (tasks_failed >= 0),
    completed_at     timestamptz,
    UNIQUE (workgroup_id, id),
    FOREIGN KEY (workgroup_id, customer_id) REFERENCES customers (workgroup_id, id),
    FOREIGN KEY (workgroup_id, agent_id) REFERENCES memberships (workgroup_id, agent_id),
    FOREIGN KEY (workgroup_id, team_id) REFERENCES teams (workgroup_id, id) ON DELETE SET NULL (team_id)
);
CREATE INDEX services_due_idx ON services (workgroup_id, due_on, id);
CREATE INDEX services_customer_idx ON services (workgroup_id, customer_id, due_on, id);
CREATE INDEX services_created_idx ON services (workgroup_id, created_at DESC, id);

-- A task. Assigned to a team and no agent, it waits in the team's queue;
-- claimed or given to an agent, it is that agent's.
CREATE TABLE tasks (
    id                uuid PRIMARY KEY,
    workgroup_id      uuid NOT NULL,
    service_id        uuid NOT NULL,
    position          integer NOT NULL,
    name              text NOT NULL,
    instructions      text NOT NULL,
    estimated_minutes integer NOT NULL CHECK (estimated_minutes > 0),
    license_type      text REFERENCES license_types (code),
    customer_id       uuid NOT NULL,
    customer_user_id  uuid,
    team_id           uuid,
    agent_id          uuid,
    status            text NOT NULL DEFAULT 'open'
                        CHECK (status IN ('open', 'in_progress', 'completed', 'failed', 'stopped')),
    -- Completed with errors: a "retry errors" pass may follow, free of charge.
    with_errors       boolean NOT NULL DEFAULT false,
    retrying          boolean NOT NULL DEFAULT false,
    due_on            date NOT NULL,
    assigned_at       timestamptz,
    started_at        timestamptz,
    completed_at      timestamptz,
    -- Time spent between Start and Complete/Fail/Stop, summed over runs.
    worked_seconds    bigint NOT NULL DEFAULT 0 CHECK (worked_seconds >= 0),
    -- The pack a license is reserved from (while running) or was consumed from.
    pack_id           uuid,
    -- Prices frozen at completion; open tasks are priced at today's rates.
    rate_cents        bigint,
    estimated_cost_cents bigint,
    actual_cost_cents bigint,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (workgroup_id, service_id) REFERENCES services (workgroup_id, id),
    FOREIGN KEY (workgroup_id, customer_id) REFERENCES customers (workgroup_id, id),
    FOREIGN KEY (workgroup_id, customer_id, customer_user_id) REFERENCES customer_users (workgroup_id, customer_id, id),
    FOREIGN KEY (workgroup_id, team_id) REFERENCES teams (workgroup_id, id) ON DELETE SET NULL (team_id),
    FOREIGN KEY (workgroup_id, agent_id) REFERENCES memberships (workgroup_id, agent_id),
    FOREIGN KEY (workgroup_id, pack_id) REFERENCES license_packs (workgroup_id, id)
);
CREATE INDEX tasks_service_idx ON tasks (workgroup_id, service_id, position, id);
-- My Tasks: an agent's unfinished tasks (and the load-balancing counts).
CREATE INDEX tasks_agent_idx ON tasks (workgroup_id, agent_id, due_on, id) WHERE status <> 'completed';
-- Team queues: a team's unclaimed open tasks.
CREATE INDEX tasks_queue_idx ON tasks (workgroup_id, team_id, due_on, service_id, position, id) WHERE agent_id IS NULL AND status = 'open';
-- Reports: completed tasks by date.
CREATE INDEX tasks_completed_idx ON tasks (workgroup_id, completed_at) WHERE status = 'completed';
-- Reminders: unfinished assigned tasks by due date, across workgroups.
CREATE INDEX tasks_due_idx ON tasks (due_on) WHERE status <> 'completed' AND agent_id IS NOT NULL;
-- My Tasks: completed with errors, waiting for a "retry errors" pass.
CREATE INDEX tasks_errors_idx ON tasks (workgroup_id, agent_id, completed_at) WHERE status = 'completed' AND with_errors;
CREATE INDEX tasks_customer_user_idx ON tasks (customer_user_id) WHERE customer_user_id IS NOT NULL;
CREATE INDEX tasks_pack_idx ON tasks (pack_id) WHERE pack_id IS NOT NULL;

-- Load balancing: ties go to the member the team gave a task least recently.
ALTER TABLE team_members ADD COLUMN last_assigned_at timestamptz;
GRANT UPDATE (last_assigned_at) ON team_members TO tandem_app;
-- Locking a team row while its members are picked needs an UPDATE right (held).

-- Keeps a service's counters and completion time in step with its tasks.
-- (App processes announce changes to each other with NOTIFY after commit,
-- batched: a NOTIFY inside these transactions would serialize their commits.)
CREATE FUNCTION tasks_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    done_delta integer := 0;
    failed_delta integer := 0;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.status IS DISTINCT FROM OLD.status THEN
        done_delta := (NEW.status = 'completed')::integer - (OLD.status = 'completed')::integer;
        failed_delta := (NEW.status = 'failed')::integer - (OLD.status = 'failed')::integer;
        IF done_delta <> 0 OR failed_delta <> 0 THEN
            UPDATE services
               SET tasks_completed = tasks_completed + done_delta,
                   tasks_failed = tasks_failed + failed_delta,
                   completed_at = CASE WHEN tasks_completed + done_delta = tasks_total THEN now() END
             WHERE id = NEW.service_id AND workgroup_id = NEW.workgroup_id;
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER tasks_changed AFTER UPDATE OF status ON tasks
FOR EACH ROW EXECUTE FUNCTION tasks_changed();

-- Reminder mails already queued: once a day per agent and workgroup.
CREATE TABLE task_reminders (
    workgroup_id uuid NOT NULL REFERENCES workgroups (id),
    agent_id     uuid NOT NULL REFERENCES agents (id),
    day          date NOT NULL,
    PRIMARY KEY (workgroup_id, agent_id, day)
);

ALTER TABLE runbooks ENABLE ROW LEVEL SECURITY;
ALTER TABLE runbooks FORCE ROW LEVEL SECURITY;
CREATE POLICY runbooks_read ON runbooks FOR SELECT
    USING (workgroup_id IS NULL OR workgroup_id = app_workgroup());
CREATE POLICY runbooks_write ON runbooks FOR ALL
    USING (workgroup_id = app_workgroup()) WITH CHECK (workgroup_id = app_workgroup());

ALTER TABLE runbook_steps ENABLE ROW LEVEL SECURITY;
ALTER TABLE runbook_steps FORCE ROW LEVEL SECURITY;
CREATE POLICY runbook_steps_read ON runbook_steps FOR SELECT
    USING (workgroup_id IS NULL OR workgroup_id = app_workgroup());
CREATE POLICY runbook_steps_write ON runbook_steps FOR ALL
    USING (workgroup_id = app_workgroup()) WITH CHECK (workgroup_id = app_workgroup());

ALTER TABLE services ENABLE ROW LEVEL SECURITY;
ALTER TABLE services FORCE ROW LEVEL SECURITY;
CREATE POLICY services_tenant ON services FOR ALL
    USING (workgroup_id = app_workgroup()) WITH CHECK (workgroup_id = app_workgroup());

ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE tasks FORCE ROW LEVEL SECURITY;
CREATE POLICY tasks_tenant ON tasks FOR ALL
    USING (workgroup_id = app_workgroup()) WITH CHECK (workgroup_id = app_workgroup());

ALTER TABLE task_reminders ENABLE ROW LEVEL SECURITY;
ALTER TABLE task_reminders FORCE ROW LEVEL SECURITY;
CREATE POLICY task_reminders_tenant ON task_reminders FOR ALL
    USING (workgroup_id = app_workgroup()) WITH CHECK (workgroup_id = app_workgroup());

GRANT SELECT, INSERT, UPDATE, DELETE ON runbooks, runbook_steps TO tandem_app;
GRANT SELECT, INSERT, UPDATE ON services, tasks TO tandem_app;
GRANT SELECT, INSERT ON task_reminders TO tandem_app;

-- The daily reminder pass runs outside any one workgroup: it visits each
-- workgroup with tasks due tomorrow or overdue, inside that workgroup's
-- row-level security, and queues one mail per agent and day.
CREATE FUNCTION due_task_workgroups(today date) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT DISTINCT workgroup_id FROM tasks
     WHERE status <> 'completed' AND agent_id IS NOT NULL AND due_on <= today + 1 AND due_on <> today
$$;
REVOKE ALL ON FUNCTION due_task_workgroups(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION due_task_workgroups(date) TO tandem_app;
-- The function runs as the tables' owner, whom forced row-level security
-- binds too (unless a superuser): let the owner read tasks.
DO $$ BEGIN
    EXECUTE format('CREATE POLICY tasks_owner_read ON tasks FOR SELECT TO %I USING (true)', current_user);
END $$;
