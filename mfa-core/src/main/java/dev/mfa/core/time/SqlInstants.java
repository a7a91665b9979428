package dev.mfa.core.time;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A timestamp column read by a native query with an untyped result ({@code Object[]}): the driver and Hibernate
 * version decide its Java type, so repositories read it through here instead of casting.
 */
public final class SqlInstants {

    private SqlInstants() {}

    /** The instant of a {@code timestamptz} value (a zone-less value is UTC); null stays null. */
    public static Instant of(Object value) {
        if (value == null || value instanceof Instant) {
            return (Instant) value;
        }
        if (value instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof LocalDateTime l) {
            return l.toInstant(ZoneOffset.UTC);
        }
        return Instant.parse(value.toString());
    }
}
