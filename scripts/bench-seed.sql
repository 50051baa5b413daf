-- The benchmark's data set (scripts/bench), loaded as the database owner into
-- a throwaway cluster: :workgroups workgroups (the first, "Bench MSP", is the
-- one measured), :tasks tasks in all, of which :claim_tasks wait in the
-- Bench MSP "Claims" queue. Every workgroup has an owner (Administrator), 4
-- associates, 10 customers with 5 users each, a pull-from-queue "Service
-- Desk" team and a load-balanced "Projects" team; its tasks come in services
-- of the built-in 4-step onboarding runbook: 40% completed, 30% open or
-- running with a member, 30% waiting in the Service Desk queue. Bench MSP
-- also has an "Escalations" queue and the 160 tasks of "My work" services
-- that scripts/bench-agents.sql gives to the measured agent.
--
-- Ids are md5 of a readable key ('wg:1', 'owner:1', ...), so later steps can
-- name rows without looking them up. Agents made here cannot sign in.
--
--   psql -v workgroups=1000 -v tasks=100000 -v claim_tasks=50000 -f scripts/bench-seed.sql

\set ON_ERROR_STOP on
\set QUIET on

BEGIN;

CREATE FUNCTION pg_temp.bid(key text) RETURNS uuid
LANGUAGE sql IMMUTABLE AS $$ SELECT md5(key)::uuid $$;

-- Agents: an owner and 4 associates per workgroup.
INSERT INTO agents (id, name, email, password_hash)
SELECT pg_temp.bid('owner:' || w), 'Owner ' || w, 'owner' || w || '@bench.example', '!bench: no sign-in'
  FROM generate_series(1, :workgroups) w;
INSERT INTO agents (id, name, email, password_hash)
SELECT pg_temp.bid('member:' || w || ':' || m), 'Member ' || w || '.' || m, 'member' || w || '.' || m || '@bench.example', '!bench: no sign-in'
  FROM generate_series(1, :workgroups) w, generate_series(1, 4) m;

INSERT INTO workgroups (id, name, default_cost_cents, created_by)
SELECT pg_temp.bid('wg:' || w), CASE WHEN w = 1 THEN 'Bench MSP' ELSE 'Workgroup ' || w END, 6000, pg_temp.bid('owner:' || w)
  FROM generate_series(1, :workgroups) w;

-- Member 0 is the owner.
INSERT INTO memberships (workgroup_id, agent_id, role, display_name, hourly_rate_cents)
SELECT pg_temp.bid('wg:' || w),
       CASE WHEN m = 0 THEN pg_temp.bid('owner:' || w) ELSE pg_temp.bid('member:' || w || ':' || m) END,
       CASE WHEN m = 0 THEN 'administrator' ELSE 'associate' END,
       CASE WHEN m = 0 THEN 'Owner ' || w ELSE 'Member ' || w || '.' || m END,
       CASE WHEN m % 2 = 0 THEN NULL ELSE 4500 + 500 * m END
  FROM generate_series(1, :workgroups) w, generate_series(0, 4) m;

INSERT INTO subscription_packs (id, workgroup_id, plan, seats, source)
SELECT pg_temp.bid('seats:' || w), pg_temp.bid('wg:' || w), 'get_automated', 3, 'training'
  FROM generate_series(1, :workgroups) w;

INSERT INTO customers (id, workgroup_id, name)
SELECT pg_temp.bid('cust:' || w || ':' || c), pg_temp.bid('wg:' || w), 'Customer ' || w || '.' || c
  FROM generate_series(1, :workgroups) w, generate_series(0, 9) c;
INSERT INTO customer_users (id, workgroup_id, customer_id, name, email)
SELECT pg_temp.bid('user:' || w || ':' || c || ':' || u), pg_temp.bid('wg:' || w), pg_temp.bid('cust:' || w || ':' || c),
       'User ' || u, 'user' || u || '@customer' || c || '.example'
  FROM generate_series(1, :workgroups) w, generate_series(0, 9) c, generate_series(1, 5) u;

-- Teams: every workgroup has a queue and a load-balanced team; Bench MSP two more queues.
INSERT INTO teams (id, workgroup_id, name, mode)
SELECT pg_temp.bid('team:' || w || ':' || t.key), pg_temp.bid('wg:' || w), t.name, t.mode
  FROM generate_series(1, :workgroups) w,
       (VALUES ('sd', 'Service Desk', 'pull_from_queue'), ('projects', 'Projects', 'load_balance'),
               ('claims', 'Claims', 'pull_from_queue'), ('esc', 'Escalations', 'pull_from_queue')) t(key, name, mode)
 WHERE w = 1 OR t.key IN ('sd', 'projects');
INSERT INTO team_members (workgroup_id, team_id, agent_id)
SELECT pg_temp.bid('wg:' || w), pg_temp.bid('team:' || w || ':' || t),
       CASE WHEN m = 0 THEN pg_temp.bid('owner:' || w) ELSE pg_temp.bid('member:' || w || ':' || m) END
  FROM generate_series(1, :workgroups) w, generate_series(0, 4) m, (VALUES ('sd'), ('projects')) t(t);

-- The plan of every task: its workgroup, service, step, team, member, status.
CREATE TEMP TABLE plan (
    n           bigint,
    w           integer,     -- workgroup number
    svc         text,        -- service key
    svc_name    text,
    position    integer,     -- runbook step 1..4
    team        text,        -- team key, or NULL
    member      integer,     -- 0 owner, 1..4 associates, NULL nobody
    status      text,
    with_errors boolean,
    due_on      date
);

-- Bench MSP: the Claims queue (in queue order by due date, then service).
INSERT INTO plan
SELECT n, 1, 'claims:' || (n - 1) / 4, 'Onboarding batch ' || (n - 1) / 4, (n - 1) % 4 + 1,
       'claims', NULL, 'open', false, current_date + ((n - 1) / 4 % 30)::int
  FROM generate_series(1, :claim_tasks) n;
-- Bench MSP: the Service Desk (300) and Escalations (40) queues.
INSERT INTO plan
SELECT n, 1, 'sdq:' || (n - 1) / 4, 'Service desk request ' || (n - 1) / 4, (n - 1) % 4 + 1,
       CASE WHEN n <= 300 THEN 'sd' ELSE 'esc' END, NULL, 'open', false, current_date + (n % 20)::int - 5
  FROM generate_series(1, 340) n;
-- Bench MSP: "My work", 160 tasks for the measured agent (assigned later):
-- 80 open, 15 running, 5 failed, 50 completed, 10 completed with errors.
INSERT INTO plan
SELECT n, 1, 'mine:' || (n - 1) / 4, 'My work ' || (n - 1) / 4, (n - 1) % 4 + 1, NULL, NULL,
       CASE WHEN n <= 80 THEN 'open' WHEN n <= 95 THEN 'in_progress' WHEN n <= 100 THEN 'failed' ELSE 'completed' END,
       n > 150, current_date + (n % 40)::int - 10
  FROM generate_series(1, 160) n;
-- Everyone's everyday work: the remaining tasks, spread evenly over all workgroups.
INSERT INTO plan
SELECT n, w, 'r:' || w || ':' || l / 4, 'Onboarding ' || l / 4, l % 4 + 1,
       CASE WHEN k >= 7 THEN 'sd' END,
       CASE WHEN k < 7 THEN (n % 5)::int END,
       CASE WHEN k < 4 THEN 'completed' WHEN k = 6 THEN 'in_progress' ELSE 'open' END,
       false,
       current_date + (n % 90)::int - 45
  FROM (SELECT n, ((n - 1) % :workgroups + 1)::int AS w, (n - 1) / :workgroups AS l, (n * 7919) % 10 AS k
          FROM generate_series(1, greatest(:tasks - :claim_tasks - 500, 0)) n) r;

-- One service per service key, its counters in step with its tasks.
INSERT INTO services (id, workgroup_id, customer_id, runbook_id, name, due_on, team_id, created_by,
                      created_at, tasks_total, tasks_completed, tasks_failed, completed_at)
SELECT pg_temp.bid('svc:' || p.w || ':' || p.svc), pg_temp.bid('wg:' || p.w),
       pg_temp.bid('cust:' || p.w || ':' || (abs(hashtext(p.svc)) % 10)),
       '8f2b6a4e-0001-4c1a-9d2e-000000000001', min(p.svc_name), max(p.due_on),
       CASE WHEN bool_and(p.team IS NOT NULL) THEN pg_temp.bid('team:' || p.w || ':' || min(p.team)) END,
       pg_temp.bid('owner:' || p.w),
       now() - make_interval(secs => min(p.n)),
       count(*), count(*) FILTER (WHERE p.status = 'completed'), count(*) FILTER (WHERE p.status = 'failed'),
       CASE WHEN bool_and(p.status = 'completed') THEN now() END
  FROM plan p GROUP BY p.w, p.svc;

INSERT INTO tasks (id, workgroup_id, service_id, position, name, instructions, estimated_minutes, customer_id,
                   team_id, agent_id, status, with_errors, due_on, assigned_at, started_at, completed_at,
                   worked_seconds, rate_cents, estimated_cost_cents, actual_cost_cents)
SELECT pg_temp.bid('task:' || p.w || ':' || p.svc || ':' || p.n), pg_temp.bid('wg:' || p.w),
       pg_temp.bid('svc:' || p.w || ':' || p.svc), p.position, st.name, st.instructions, st.estimated_minutes,
       pg_temp.bid('cust:' || p.w || ':' || (abs(hashtext(p.svc)) % 10)),
       CASE WHEN p.team IS NOT NULL THEN pg_temp.bid('team:' || p.w || ':' || p.team) END,
       CASE WHEN p.member = 0 THEN pg_temp.bid('owner:' || p.w)
            WHEN p.member > 0 THEN pg_temp.bid('member:' || p.w || ':' || p.member) END,
       p.status, p.with_errors, p.due_on,
       CASE WHEN p.member IS NOT NULL THEN now() - interval '3 days' END,
       CASE WHEN p.status <> 'open' THEN now() - interval '2 days' END,
       CASE WHEN p.status = 'completed' THEN now() - interval '1 day' END,
       CASE WHEN p.status IN ('completed', 'failed') THEN st.estimated_minutes * 60 ELSE 0 END,
       CASE WHEN p.status = 'completed' THEN 6000 END,
       CASE WHEN p.status = 'completed' THEN (st.estimated_minutes * 6000 + 30) / 60 END,
       CASE WHEN p.status = 'completed' THEN (st.estimated_minutes * 6000 + 30) / 60 END
  FROM plan p
  JOIN runbook_steps st ON st.runbook_id = '8f2b6a4e-0001-4c1a-9d2e-000000000001' AND st.position = p.position;

COMMIT;

VACUUM (ANALYZE);

SELECT format('seeded %s workgroups, %s agents, %s customers, %s services, %s tasks (%s in the Claims queue)',
              (SELECT count(*) FROM workgroups), (SELECT count(*) FROM agents), (SELECT count(*) FROM customers),
              (SELECT count(*) FROM services), (SELECT count(*) FROM tasks),
              (SELECT count(*) FROM tasks WHERE team_id = md5('team:1:claims')::uuid AND agent_id IS NULL));
