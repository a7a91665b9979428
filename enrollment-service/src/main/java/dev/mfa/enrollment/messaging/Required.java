package dev.mfa.enrollment.messaging;

import dev.mfa.core.events.EventCodec;

/** Data a handler cannot act on is malformed: a permanent failure, so the record goes to the dead-letter topic. */
final class Required {

    private Required() {}

    /** {@code data} when {@code ok}; else fails the event with {@code message} (names fields, never values). */
    static <T> T check(T data, boolean ok, String message) {
        if (!ok) {
            throw new EventCodec.EventFormatException(message, null);
        }
        return data;
    }

    static boolean present(String s) {
        return s != null && !s.isBlank();
    }
}
