package dev.mfa.notification.bench;

import dev.mfa.localstack.testing.VonageStubProcess;
import dev.mfa.notification.VonageStubResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The benchmark's Vonage stub in a JVM of its own, as a real provider is a separate process: in the test JVM it
 * would share garbage collections and CPU scheduling with the service it meters, and a pause of the stub would make
 * properly spaced calls look like a burst. Started before {@link VonageStubResource} (lower {@link #order()}), which
 * then hands out this port too, so {@code StubClient} talks to the same stub. {@code -Dbench.stub=in-process} keeps
 * the old arrangement (for comparison).
 */
public class SeparateVonageStubResource implements QuarkusTestResourceLifecycleManager {

    static final String MODE_PROPERTY = "bench.stub";
    private VonageStubProcess process;

    static boolean separate() {
        return !"in-process".equals(System.getProperty(MODE_PROPERTY));
    }

    @Override
    public Map<String, String> start() {
        if (!separate()) {
            return Map.of();
        }
        try {
            process = VonageStubProcess.start(Path.of("target/vonage-stub-benchmark.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        VonageStubResource.useRunning(process.port());
        return Map.of("mfa.vonage.base-uri", process.baseUrl());
    }

    @Override
    public void stop() {
        if (process != null) {
            process.close();
            process = null;
        }
    }

    @Override
    public int order() {
        return -1;
    }
}
