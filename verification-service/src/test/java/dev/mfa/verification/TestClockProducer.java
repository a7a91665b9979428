package dev.mfa.verification;

import dev.mfa.localstack.testing.TestClock;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Replaces the default clock with the shared {@link TestClock} so that tests can expire challenges and waits. */
@Singleton
public class TestClockProducer {

    @Produces
    @Singleton
    @Alternative
    @Priority(1)
    Clock clock() {
        return TestClock.get();
    }
}
