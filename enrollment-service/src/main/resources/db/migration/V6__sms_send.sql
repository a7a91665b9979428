-- Every SMS code sent for an enrollment (start or resend), for the hourly caps per user and per (user, destination)
-- (issue 15 #2). The destination is a keyed hash (CodeHasher), never the number; rows older than a day are purged.
create table sms_send (
    id               bigserial primary key,
    user_id          varchar(128) not null,
    destination_hash varchar(80)  not null,
    sent_at          timestamptz  not null
);
create index sms_send_user on sms_send (user_id, sent_at);
