-- The enforcement switch rewrites requirement/updated_at of every user of an org; neither is indexed, so with free
-- space on the page PostgreSQL can update in place (HOT) without touching the two indexes.
alter table org_user set (fillfactor = 70);
