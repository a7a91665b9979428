-- The latest SMS request of a challenge, so that an mfa.sms.failed from notification-service can find it.
alter table challenge add column sms_request_id uuid;
create index challenge_sms_request on challenge (sms_request_id) where sms_request_id is not null;
