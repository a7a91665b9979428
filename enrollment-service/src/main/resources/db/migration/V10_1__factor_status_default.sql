-- Every factor row is active (a removed factor is deleted): the application no longer writes the column.
alter table factor alter column status set default 'ACTIVE';
