package dev.mfa.notification.bench;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * Production-like pacing (30 msg/s, no burst) and caps that do not interfere with 10,000 distinct numbers; the Vonage
 * stub in a JVM of its own ({@link SeparateVonageStubResource}).
 */
public class BenchmarkProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "mfa.vonage.throughput", "30",
                "mfa.vonage.burst", "1",
                "mfa.vonage.timeout", "PT10S",
                "mfa.notification.dispatch.concurrency", "8",
                "mfa.notification.abuse.per-country-per-hour", "1000000",
                "mfa.notification.abuse.per-destination-per-hour", "1000",
                "mfa.notification.dispatch.backoff-base", "PT0.5S",
                "mfa.notification.dispatch.backoff-max", "PT5S",
                "quarkus.log.category.\"dev.mfa.notification\".level", "WARN");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(SeparateVonageStubResource.class));
    }
}
