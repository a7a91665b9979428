-- One row per e-mail request (mfa.email.requested requestId): the dedupe record, the dispatch queue and the status.
-- The address is kept only as a field-cipher ciphertext bound to the request id, and only until the request is SENT
-- or FAILED; the per-recipient cap counts recipient_hash (a keyed HMAC), never the address. params are the
-- template's non-secret display values (checked at intake), needed again to render on a retry.
create table email_request (
    request_id      uuid         primary key,
    event_id        uuid         not null,
    user_id         varchar(128) not null,
    template        varchar(48)  not null,
    recipient_hash  varchar(64)  not null,
    recipient       text,                     -- ciphertext, cleared once SENT/FAILED
    params          text         not null,    -- JSON object of display values, cleared once SENT/FAILED
    requested_at    timestamptz  not null,    -- CloudEvent time
    received_at     timestamptz  not null,
    expires_at      timestamptz  not null,    -- received_at + max-age: not sent after that
    state           varchar(16)  not null,    -- PENDING, SENDING, SENT, FAILED
    counted         boolean      not null,    -- counts towards the per-recipient cap
    attempts        integer      not null default 0,
    next_attempt_at timestamptz  not null,
    lease_until     timestamptz,              -- SENDING: a send is in flight until then
    last_error      varchar(64),
    sent_at         timestamptz,
    failure_reason  varchar(64),
    failed_at       timestamptz,
    updated_at      timestamptz  not null
);
create index email_request_due on email_request (next_attempt_at) where state = 'PENDING';
create index email_request_inflight on email_request (lease_until) where state = 'SENDING';
create index email_request_recipient on email_request (recipient_hash, received_at) where counted;
create index email_request_updated on email_request (updated_at);
