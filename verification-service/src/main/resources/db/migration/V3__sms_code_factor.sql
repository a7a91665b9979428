-- Issue 15: an SMS code is tied to the factor (phone) it was sent to; removing the factor clears the code.
alter table challenge add column sms_factor_id uuid;
