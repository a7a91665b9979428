-- The latest SMS request of an enrollment, so that an mfa.sms.failed from notification-service can find it.
alter table enrollment add column sms_request_id uuid;
create index enrollment_sms_request on enrollment (sms_request_id) where sms_request_id is not null;
