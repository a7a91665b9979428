-- Issue 16: POST /challenges in one statement. The hourly challenge limit is kept on the user's state row, updated
-- by INSERT ... ON CONFLICT DO UPDATE, which evaluates on the row's latest version under its lock: exact under
-- parallel requests and across replicas (a count of the challenge table inside that statement would read the
-- statement's snapshot, taken before the lock wait, and miss challenges committed meanwhile).
alter table user_state
    add column challenge_window  timestamptz[] not null default '{}', -- creation times of the last hour's challenges
    add column last_challenge_id uuid;                                 -- the latest challenge the window admitted

-- The window as it stands: this hour's challenges keep counting after the upgrade.
update user_state u
set challenge_window = w.created
from (select user_id, array_agg(created_at order by created_at) as created
      from challenge
      where created_at > now() - interval '1 hour'
      group by user_id) w
where w.user_id = u.user_id;
