package dev.mfa.verification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The service's clock in tests: real time plus an offset that tests can move, or frozen at an instant. Tests run in
 * the application's class loader, so they share this instance with the service.
 */
public final class TestClock extends Clock {

    public static final TestClock INSTANCE = new TestClock();

    private volatile Duration offset = Duration.ZERO;
    private volatile Instant frozen;

    private TestClock() {}

    public static TestClock get() {
        return INSTANCE;
    }

    /** Stops time at the current instant (advance it with {@link #advance}). */
    public void freeze() {
        frozen = instant();
    }

    public void advance(Duration by) {
        if (frozen != null) {
            frozen = frozen.plus(by);
        } else {
            offset = offset.plus(by);
        }
    }

    /** Back to real time plus whatever offset was accumulated while frozen. */
    public void reset() {
        frozen = null;
        offset = Duration.ZERO;
    }

    @Override
    public Instant instant() {
        Instant f = frozen;
        return f != null ? f : Instant.now().plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
