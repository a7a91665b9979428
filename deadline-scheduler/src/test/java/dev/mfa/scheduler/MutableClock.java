package dev.mfa.scheduler;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The application's clock in tests: real time plus an offset that tests move forward (never back, so that tests
 * sharing the application do not see time run backwards).
 */
@Alternative
@Priority(1)
@Singleton
public class MutableClock extends Clock {

    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    @Override
    public Instant instant() {
        return Instant.now().plus(offset.get());
    }

    public void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("the test clock only moves forward");
        }
        offset.updateAndGet(current -> current.plus(by));
    }

    /** Moves the clock to {@code target} if it is still ahead. */
    public void advanceTo(Instant target) {
        Duration by = Duration.between(instant(), target);
        if (!by.isNegative()) {
            advance(by);
        }
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
