-- verification-service's own view of users' factors (projected from mfa.factors / mfa.user-requirements), its
-- sign-in challenges and the per-user failure state. Secrets and phone numbers stay FieldCipher ciphertexts.

create table factor (
    factor_id      uuid         primary key,
    user_id        varchar(128) not null,
    org_id         varchar(128) not null,
    method         varchar(16)  not null,          -- TOTP | SMS
    label          varchar(200),
    secret_enc     text,                           -- TOTP: Base32 secret, encrypted with context totp:<factorId>
    phone_enc      text,                           -- SMS: E.164 number, encrypted with context phone:<factorId>
    phone_masked   varchar(40),
    country        varchar(2),
    last_used_step bigint,                         -- TOTP: last accepted time step; only later ones are accepted
    enrolled_at    timestamptz  not null
);
create index factor_user on factor (user_id);

-- At most one recovery code per user: a new one replaces the old one.
create table recovery_code (
    user_id          varchar(128) primary key,
    recovery_code_id uuid         not null,
    org_id           varchar(128) not null,
    code_hash        varchar(100) not null,        -- RecoveryCodes.hash (s256:...)
    issued_at        timestamptz  not null,
    used_at          timestamptz
);

-- Per-user requirement and throttling state, shared by all challenges and all replicas.
create table user_state (
    user_id              varchar(128) primary key,
    org_id               varchar(128),
    requirement          varchar(16)  not null default 'NOT_REQUIRED',
    consecutive_failures integer      not null default 0,
    blocked_until        timestamptz,               -- no code is evaluated before this instant
    locked_at            timestamptz,               -- set after too many failures; cleared only by an admin reset
    updated_at           timestamptz  not null default now()
);

create table challenge (
    challenge_id        uuid         primary key,
    user_id             varchar(128) not null,
    org_id              varchar(128) not null,
    methods             varchar(64)  not null,      -- comma-separated, as offered at creation
    created_at          timestamptz  not null,
    expires_at          timestamptz  not null,
    completed_at        timestamptz,                -- set once a code was accepted: a challenge yields one assertion
    sms_code_hash       varchar(100),               -- CodeHasher hash of the last code sent; null once used
    sms_code_expires_at timestamptz,
    sms_sends           integer      not null default 0,
    sms_next_send_at    timestamptz
);
create index challenge_expires on challenge (expires_at);
