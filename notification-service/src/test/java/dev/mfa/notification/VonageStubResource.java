package dev.mfa.notification;

import dev.mfa.localstack.VonageStub;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** One in-process {@link VonageStub} per test JVM on a free port; the service's {@code mfa.vonage.base-uri} points at it. */
public class VonageStubResource implements QuarkusTestResourceLifecycleManager {

    /** System property with the stub's port, shared across class loaders. */
    static final String PORT_PROPERTY = "mfa.test.vonage-stub.port";

    private static final Object LOCK = "dev.mfa.notification.VonageStubResource#LOCK";
    private static VonageStub stub;

    @Override
    public Map<String, String> start() {
        return Map.of("mfa.vonage.base-uri", "http://localhost:" + port());
    }

    @Override
    public void stop() {
        // Lives as long as the JVM (several Quarkus applications may be started by the tests).
    }

    /** Hands out an already running stub (e.g. one in its own JVM) instead of starting one in-process. */
    public static void useRunning(int port) {
        synchronized (LOCK) {
            System.setProperty(PORT_PROPERTY, Integer.toString(port));
        }
    }

    static int port() {
        synchronized (LOCK) {
            String existing = System.getProperty(PORT_PROPERTY);
            if (existing != null) {
                return Integer.parseInt(existing);
            }
            try {
                stub = new VonageStub(0).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            System.setProperty(PORT_PROPERTY, Integer.toString(stub.port()));
            return stub.port();
        }
    }
}
