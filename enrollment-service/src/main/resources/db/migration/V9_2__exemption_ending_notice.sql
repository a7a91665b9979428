-- When the "exemption ending" e-mail was asked for (once per exemption; a new grant clears it).
alter table mfa_exemption add column ending_notice_at timestamptz;
create index mfa_exemption_ending on mfa_exemption (until) where ending_notice_at is null;
