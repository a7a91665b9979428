package dev.mfa.enrollment.support;

import dev.mfa.localstack.testing.TestClock;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Replaces mfa-core's default clock with {@link TestClock}. */
@Singleton
public class TestClockProducer {

    @Produces
    @Alternative
    @Priority(1)
    @Singleton
    Clock clock() {
        return TestClock.INSTANCE;
    }
}
