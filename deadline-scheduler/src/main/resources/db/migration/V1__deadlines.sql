-- deadline-scheduler: each org's current enforcement deadline and the events it will fire.

-- The latest policy seen per org (highest version wins; older or duplicate versions change nothing).
create table org_deadline (
    org_id               varchar(200) primary key,
    policy_version       bigint       not null,
    enabled              boolean      not null,
    enforcement_deadline timestamptz,                  -- as announced; only scheduled when enabled
    policy_updated_at    timestamptz,                  -- when the admin changed the policy (the event's updatedAt)
    received_at          timestamptz  not null
);

-- One row per event to fire: mfa.deadline.reached at the deadline, mfa.deadline.approaching at each offset before.
-- Unfired rows are replaced when the deadline moves; fired rows stay as history and keep a moved-back deadline from
-- firing the same event twice (its event id is derived from the natural key).
create table deadline_trigger (
    id                   bigserial    primary key,
    event_id             uuid         not null unique,
    org_id               varchar(200) not null,
    enforcement_deadline timestamptz  not null,
    kind                 varchar(20)  not null check (kind in ('APPROACHING', 'REACHED')),
    days_left            integer      not null,        -- the reminder's offset in days; 0 for REACHED
    fire_at              timestamptz  not null,
    fired_at             timestamptz,                  -- null while pending
    outcome              varchar(20)  check (outcome in ('FIRED', 'SKIPPED')),
    created_at           timestamptz  not null,
    constraint deadline_trigger_once unique (org_id, enforcement_deadline, kind, days_left)
);
-- The claim scans only pending rows in due order.
create index deadline_trigger_due on deadline_trigger (fire_at, id) where fired_at is null;

