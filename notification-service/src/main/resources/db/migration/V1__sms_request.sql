-- One row per SMS request (mfa.sms.requested requestId): the dedupe record, the dispatch queue and the status.
-- The number and the code are kept only as field-cipher ciphertexts bound to the request id, and only until the
-- request reaches a final sending state; counters use destination_hash (a keyed HMAC), never the number.
create table sms_request (
    request_id          uuid         primary key,
    event_id            uuid         not null,
    user_id             varchar(128) not null,
    purpose             varchar(16)  not null,
    country             varchar(2)   not null,
    destination_hash    varchar(64)  not null,
    recipient           text,                     -- ciphertext, cleared once SENT/FAILED
    code                text,                     -- ciphertext, cleared once SENT/FAILED
    expires_at          timestamptz  not null,
    requested_at        timestamptz  not null,    -- CloudEvent time: start of the queue lag
    received_at         timestamptz  not null,
    state               varchar(16)  not null,    -- PENDING, SENDING, SENT, DELIVERED, FAILED
    counted             boolean      not null,    -- counts towards the abuse caps (accepted for sending)
    attempts            integer      not null default 0,
    next_attempt_at     timestamptz  not null,
    lease_until         timestamptz,              -- SENDING: a send is in flight until then
    last_error          varchar(64),
    provider_message_id varchar(64),
    sent_at             timestamptz,
    failure_reason      varchar(64),
    failed_at           timestamptz,
    receipt_status      varchar(16),
    receipt_error       varchar(16),
    receipt_at          timestamptz,
    delivered_at        timestamptz,
    updated_at          timestamptz  not null
);
create index sms_request_due on sms_request (next_attempt_at) where state = 'PENDING';
create index sms_request_inflight on sms_request (lease_until) where state = 'SENDING';
create index sms_request_destination on sms_request (destination_hash, received_at) where counted;
create index sms_request_country on sms_request (country, received_at) where counted;
create index sms_request_message_id on sms_request (provider_message_id);
create index sms_request_updated on sms_request (updated_at);
