package dev.mfa.verification.service;

import dev.mfa.verification.domain.Method;
import dev.mfa.verification.service.VerificationService.Locked;
import dev.mfa.verification.service.VerificationService.Outcome;
import dev.mfa.verification.service.VerificationService.Throttled;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Verification counters and latency (Prometheus names {@code mfa_verification_*}). */
@Singleton
public class VerificationMetrics {

    /** The {@link Outcome#metricName()} of every outcome, for counters that exist before their first use. */
    static final List<String> OUTCOMES = List.of("success", "failure", "throttled", "locked");

    private final Map<Method, Map<String, Counter>> verifications = new EnumMap<>(Method.class);
    private final Map<Method, Timer> latency = new EnumMap<>(Method.class);
    private final Counter throttled;
    private final Counter locked;
    private final Counter usersLocked;
    private final Counter smsSent;

    public VerificationMetrics(MeterRegistry registry) {
        for (Method method : Method.values()) {
            Map<String, Counter> byOutcome = new HashMap<>();
            for (String outcome : OUTCOMES) {
                byOutcome.put(
                        outcome,
                        Counter.builder("mfa.verification.verifications")
                                .description("Code verifications by method and outcome")
                                .tag("method", method.name())
                                .tag("outcome", outcome)
                                .register(registry));
            }
            verifications.put(method, byOutcome);
            latency.put(
                    method,
                    Timer.builder("mfa.verification.latency")
                            .description("Time to answer a verification")
                            .tag("method", method.name())
                            .publishPercentileHistogram()
                            .register(registry));
        }
        throttled = Counter.builder("mfa.verification.throttled")
                .description("Verifications refused without evaluation because the user must wait")
                .register(registry);
        locked = Counter.builder("mfa.verification.locked")
                .description("Verifications refused because the user is locked")
                .register(registry);
        usersLocked = Counter.builder("mfa.verification.users.locked")
                .description("Users locked after too many consecutive failures")
                .register(registry);
        smsSent = Counter.builder("mfa.verification.sms.requested")
                .description("Sign-in SMS codes requested")
                .register(registry);
    }

    public void record(Method method, Outcome outcome, long startNanos) {
        verifications.get(method).get(outcome.metricName()).increment();
        latency.get(method).record(Duration.ofNanos(System.nanoTime() - startNanos));
        if (outcome instanceof Throttled) {
            throttled.increment();
        } else if (outcome instanceof Locked) {
            locked.increment();
        }
    }

    public void userLocked() {
        usersLocked.increment();
    }

    public void smsRequested() {
        smsSent.increment();
    }
}
