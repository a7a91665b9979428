-- Security notices are claimed before campaign mails (EmailTemplate.priority: 0 notices, 1 campaigns), so a
-- rate-limited campaign to a whole org never delays a "factor added" or "account locked" notice.
alter table email_request add column priority smallint not null default 0;
drop index email_request_due;
create index email_request_due on email_request (priority, next_attempt_at) where state = 'PENDING';
