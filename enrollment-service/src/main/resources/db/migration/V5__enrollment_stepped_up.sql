-- Whether the start of an enrollment was stepped up with an MFA assertion: a confirmation that finds the user with a
-- factor needs one then or at confirm (issue 15 #11).
alter table enrollment add column stepped_up boolean not null default false;
