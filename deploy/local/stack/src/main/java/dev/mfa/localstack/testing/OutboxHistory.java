package dev.mfa.localstack.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * For tests that check which events a service wrote: the outbox relay deletes a row as soon as Kafka acknowledged it
 * (issue 16), often before a test looks. {@link #install(Connection)} makes a test database keep a copy of every row
 * inserted into {@code outbox_event} from then on, in {@value #TABLE} (same columns); tests read that table for what
 * was written and {@code outbox_event} for what is still to relay. Test databases only: a statement-level trigger,
 * one insert per statement. Install it before the action whose events are checked.
 */
public final class OutboxHistory {

    /** Every outbox row written since {@link #install(Connection)}, relayed or not. */
    public static final String TABLE = "outbox_event_written";

    private OutboxHistory() {}

    /** Idempotent; needs the outbox table (the service's migrations have run, i.e. its application started). */
    public static void install(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("create table if not exists " + TABLE + " (like outbox_event)");
            s.execute("create or replace function " + TABLE + "() returns trigger language plpgsql as $$ begin "
                    + "insert into " + TABLE + " select * from written; return null; end $$");
            s.execute("create or replace trigger " + TABLE + " after insert on outbox_event "
                    + "referencing new table as written for each statement execute function " + TABLE + "()");
        }
    }
}
