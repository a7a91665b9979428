-- The enforcement switch rewrites requirement/updated_at of every user of an org; neither is indexed, so with free
-- space on the page PostgreSQL can update in place (HOT) without touching the two indexes.
alter table org_user set (fillfactor = 70);
-- Written by the switch in the same UPDATE, so that its RETURNING can name the previous requirement.
alter table org_user add column previous_requirement varchar(16);
