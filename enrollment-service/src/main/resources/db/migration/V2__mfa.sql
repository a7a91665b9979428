-- Org policies, factors, enrollment ceremonies, recovery codes and re-authentication.

-- One row per org that has a roster or a policy. version grows by one per change (mfa.org-policy.changed);
-- synced_version is the version whose requirement switch completed (a lower value is finished by a retry job).
create table org_policy (
    org_id               varchar(128) primary key,
    enabled              boolean      not null,
    enforcement_deadline timestamptz,
    enforced             boolean      not null,
    allowed_methods      varchar(32)  not null,
    version              bigint       not null,
    synced_version       bigint       not null,
    updated_at           timestamptz  not null
);
create index org_policy_unsynced on org_policy (updated_at) where synced_version < version;

-- Active factors. secret/phone are FieldCipher ciphertexts bound to the factor id.
create table factor (
    factor_id      uuid primary key,
    user_id        varchar(128) not null,
    org_id         varchar(128) not null,
    method         varchar(8)   not null,
    label          varchar(64)  not null,
    secret         text,
    phone          text,
    phone_masked   varchar(32),
    country        varchar(2),
    last_used_step bigint,
    status         varchar(16)  not null,
    created_at     timestamptz  not null,
    last_used_at   timestamptz
);
create index factor_user on factor (user_id);

-- Enrollment ceremonies (authenticator app or SMS) until confirmed, failed, cancelled or expired.
create table enrollment (
    enrollment_id       uuid primary key,
    user_id             varchar(128) not null,
    org_id              varchar(128) not null,
    method              varchar(8)   not null,
    status              varchar(16)  not null,
    secret              text,
    phone               text,
    phone_masked        varchar(32),
    country             varchar(2),
    code_hash           varchar(80),
    attempts            int          not null,
    sends               int          not null,
    resend_available_at timestamptz,
    created_at          timestamptz  not null,
    expires_at          timestamptz  not null
);
create index enrollment_user on enrollment (user_id, created_at);

-- At most one recovery code per user, stored as its hash only.
create table recovery_code (
    user_id          varchar(128) primary key,
    recovery_code_id uuid         not null unique,
    org_id           varchar(128) not null,
    code_hash        varchar(80)  not null,
    status           varchar(8)   not null,
    issued_at        timestamptz  not null,
    used_at          timestamptz
);

-- Reauth tokens by SHA-256 hash; wrong passwords for the throttle.
create table reauth_token (
    token_hash varchar(64)  primary key,
    user_id    varchar(128) not null,
    purpose    varchar(32)  not null,
    created_at timestamptz  not null,
    expires_at timestamptz  not null
);
create index reauth_token_expires on reauth_token (expires_at);

create table reauth_failure (
    id        bigserial primary key,
    user_id   varchar(128) not null,
    failed_at timestamptz  not null
);
create index reauth_failure_user on reauth_failure (user_id, failed_at);
