-- A row may carry many events of one topic, written by set-based producers (the enforcement switch, deadline
-- claims): payload is then a JSON array of CloudEvents, each relayed as its own record keyed by its subject.
-- One row per few thousand events instead of one per event keeps those writes and the relay's reads cheap.
alter table outbox_event add column batched boolean not null default false;
alter table outbox_event add column event_count integer not null default 1;
