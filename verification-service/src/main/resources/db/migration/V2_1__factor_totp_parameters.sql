-- The TOTP parameters each factor was enrolled with (mfa.factor.enrolled carries them). Rows projected before they
-- travelled, and SMS factors, keep the defaults every authenticator app uses.
alter table factor
    add column totp_algorithm varchar(8) not null default 'SHA1',
    add column totp_digits    integer    not null default 6,
    add column totp_period    integer    not null default 30;
