package dev.mfa.localstack.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one test clock: real time plus an offset that tests move forward, or frozen at an instant. A service's tests
 * install {@link #INSTANCE} as the application's {@code Clock} (a {@code @Produces @Alternative} method); Quarkus
 * tests run in the application's class loader, so tests and service share it. Unit tests take their own with
 * {@link #frozenAt}.
 */
public final class TestClock extends Clock {

    public static final TestClock INSTANCE = new TestClock(null);

    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);
    private volatile Instant frozen;

    private TestClock(Instant frozen) {
        this.frozen = frozen;
    }

    /** The shared instance the application uses. */
    public static TestClock get() {
        return INSTANCE;
    }

    /** A clock of its own, stopped at {@code instant}; for unit tests. */
    public static TestClock frozenAt(Instant instant) {
        return new TestClock(instant);
    }

    /** Stops time at the current instant (move it with {@link #advance}). */
    public void freeze() {
        frozen = instant();
    }

    /**
     * Moves time forward (never back: tests sharing the application must not see time run backwards, except through
     * an explicit {@link #reset}).
     */
    public void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("the test clock only moves forward");
        }
        Instant f = frozen;
        if (f != null) {
            frozen = f.plus(by);
        } else {
            offset.updateAndGet(current -> current.plus(by));
        }
    }

    /** Moves the clock to {@code target} if it is still ahead. */
    public void advanceTo(Instant target) {
        Duration by = Duration.between(instant(), target);
        if (!by.isNegative()) {
            advance(by);
        }
    }

    /** Back to real time. */
    public void reset() {
        frozen = null;
        offset.set(Duration.ZERO);
    }

    @Override
    public Instant instant() {
        Instant f = frozen;
        return f != null ? f : Instant.now().plus(offset.get());
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
