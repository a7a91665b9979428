-- The org admins of each org, from identity.users (groups containing org-admin), to tell them when a user of their
-- org is locked (issue 15 #12). Kept apart from org_user so that the roster's own rows are unchanged.
create table org_admin (
    user_id    varchar(128) primary key,
    org_id     varchar(128) not null,
    updated_at timestamptz  not null
);
create index org_admin_org on org_admin (org_id);
