-- Shared by every service (location db/core): the transactional outbox and the idempotent-consumer log.

create table outbox_event (
    seq         bigserial primary key,          -- relay order: per-key order follows insertion order
    id          uuid        not null unique,    -- the CloudEvent id
    topic       varchar(200) not null,
    record_key  varchar(200) not null,
    event_type  varchar(200) not null,
    payload     text        not null,           -- CloudEvents structured JSON, sensitive fields already encrypted
    created_at  timestamptz not null default now(),
    sent_at     timestamptz
);
create index outbox_event_unsent on outbox_event (seq) where sent_at is null;
create index outbox_event_sent_at on outbox_event (sent_at) where sent_at is not null;

create table processed_event (
    consumer     varchar(100) not null,
    event_id     uuid         not null,
    processed_at timestamptz  not null default now(),
    primary key (consumer, event_id)
);
create index processed_event_processed_at on processed_event (processed_at);
