-- Org-admin features (issue 18): MFA availability per org, exemptions, the audit trail.

-- Whether the vendor made MFA available to the org (platform operators grant or withdraw it). An org without a row
-- has mfa.availability.default-available (true locally and in tests, false in production).
create table org_availability (
    org_id     varchar(128) primary key,
    available  boolean      not null,
    updated_by varchar(128) not null,
    updated_at timestamptz  not null
);
-- Orgs that already run MFA had it available: they keep it whatever the default.
insert into org_availability (org_id, available, updated_by, updated_at)
select org_id, true, 'migration', now() from org_policy where enabled;

-- One exemption per user at most: OPTIONAL past the deadline while the row exists. The sweep deletes a row once
-- `until` has passed, in the transaction that switches the user (so the switch happens exactly once).
create table mfa_exemption (
    user_id    varchar(128) primary key,
    org_id     varchar(128) not null,
    until      timestamptz  not null,
    reason     varchar(500) not null,
    granted_by varchar(128) not null,
    granted_at timestamptz  not null
);
create index mfa_exemption_until on mfa_exemption (until);
create index mfa_exemption_org on mfa_exemption (org_id);

-- The audit trail of an org: append-only (the trigger refuses updates and deletes). detail is a small JSON object of
-- display values: never a secret, code or full phone number.
create table audit_event (
    id       bigserial    primary key,
    org_id   varchar(128) not null,
    at       timestamptz  not null,
    type     varchar(64)  not null,
    actor_id varchar(128),
    user_id  varchar(128),
    detail   jsonb        not null
);
create index audit_event_org_at on audit_event (org_id, at desc, id desc);
create index audit_event_org_user_at on audit_event (org_id, user_id, at desc, id desc);

create function audit_event_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_event is append-only';
end;
$$;
create trigger audit_event_no_change before update or delete on audit_event
    for each row execute function audit_event_append_only();
