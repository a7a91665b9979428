-- E-mail campaigns of an org (deadline reminders, "MFA is now required"): one row per org and occasion, written with
-- the deadline event's id, so that a fan-out cut short by a crash is finished by a job (done_at still null).
create table email_campaign (
    campaign_id uuid primary key,
    org_id      varchar(128) not null,
    template    varchar(32)  not null,
    deadline    timestamptz  not null,
    days_left   integer      not null,
    created_at  timestamptz  not null,
    done_at     timestamptz
);
create index email_campaign_pending on email_campaign (created_at) where done_at is null;

-- One row per user a campaign e-mailed, claimed by the set-based INSERT that writes the user's request to the outbox
-- in the same transaction: a retry, redelivery or second replica finds the user claimed and asks for nothing.
create table email_notice (
    campaign_id uuid         not null,
    user_id     varchar(128) not null,
    primary key (campaign_id, user_id)
);
