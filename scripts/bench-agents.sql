-- Second step of the benchmark's data (scripts/bench), after the agents it
-- measures with have signed up over HTTP: makes them associates of Bench MSP
-- (md5('wg:1')); the measured agent (:measured) gets the "My work" tasks and
-- joins the Service Desk and Escalations queues and the Projects team; the
-- claimers (:claimers, a uuid[] literal) join the Claims queue.

\set ON_ERROR_STOP on
\set QUIET on

BEGIN;

INSERT INTO memberships (workgroup_id, agent_id, role, display_name)
SELECT md5('wg:1')::uuid, a.id, 'associate', a.name
  FROM agents a WHERE a.id = :'measured'::uuid OR a.id = ANY (:'claimers'::uuid[]);

INSERT INTO team_members (workgroup_id, team_id, agent_id)
SELECT md5('wg:1')::uuid, md5('team:1:' || t)::uuid, :'measured'::uuid
  FROM (VALUES ('sd'), ('esc'), ('projects')) v(t);
INSERT INTO team_members (workgroup_id, team_id, agent_id)
SELECT md5('wg:1')::uuid, md5('team:1:claims')::uuid, c
  FROM unnest(:'claimers'::uuid[]) c;

UPDATE tasks t SET agent_id = :'measured'::uuid, assigned_at = now() - interval '3 days'
  FROM services s
 WHERE s.workgroup_id = t.workgroup_id AND s.id = t.service_id
   AND t.workgroup_id = md5('wg:1')::uuid AND s.name LIKE 'My work %';

COMMIT;

ANALYZE tasks;
