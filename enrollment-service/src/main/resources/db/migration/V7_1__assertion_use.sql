-- The MFA assertions that authorised a change (issue 15 #13, CONTRACT §4): an assertion authorises at most one.
-- A row is written in the change's own transaction and kept until the assertion expires (then purged).
create table assertion_use (
    jti        varchar(128) primary key,
    user_id    varchar(128) not null,
    used_at    timestamptz  not null,
    expires_at timestamptz  not null
);
create index assertion_use_expires on assertion_use (expires_at);
