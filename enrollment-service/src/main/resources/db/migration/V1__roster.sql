-- Org rosters, kept from identity.users; requirement is the user's current MFA requirement.
create table org_user (
    user_id     varchar(128) primary key,
    org_id      varchar(128) not null,
    email       varchar(320) not null,
    pay         varchar(16),
    requirement varchar(16)  not null,
    created_at  timestamptz  not null,
    updated_at  timestamptz  not null
);
create index org_user_org on org_user (org_id, user_id);
