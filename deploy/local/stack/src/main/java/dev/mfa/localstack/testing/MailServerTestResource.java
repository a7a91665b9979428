package dev.mfa.localstack.testing;

import dev.mfa.localstack.MailServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * One in-process {@link MailServer} (GreenMail SMTP + the {@code /_stub/mails} API) per test JVM, on free ports of
 * 127.0.0.1, kept for the JVM's life (several Quarkus applications may be started by the tests). Points
 * {@code quarkus.mailer} at it, plain SMTP without STARTTLS or login (the production settings come from a Secret).
 * Tests reach it over HTTP at {@link #httpBaseUrl()} (the port is a system property, shared across class loaders):
 * {@code GET /_stub/mails}, {@code PUT /_stub/smtp?running=false} for an outage.
 */
public class MailServerTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String SMTP_PORT_PROPERTY = "mfa.localstack.mail.smtp-port";
    public static final String HTTP_PORT_PROPERTY = "mfa.localstack.mail.http-port";
    // A string literal is interned JVM-wide: the same monitor in every class loader.
    private static final Object LOCK = "dev.mfa.localstack.testing.MailServerTestResource#LOCK";
    private static MailServer server;

    @Override
    public Map<String, String> start() {
        ensureStarted();
        return Map.of(
                "quarkus.mailer.host", "127.0.0.1",
                "quarkus.mailer.port", System.getProperty(SMTP_PORT_PROPERTY),
                "quarkus.mailer.start-tls", "DISABLED",
                "quarkus.mailer.tls", "false",
                "quarkus.mailer.mock", "false");
    }

    @Override
    public void stop() {
        // Lives as long as the JVM.
    }

    /** {@code http://127.0.0.1:PORT} of the mail server's HTTP API (started on first use). */
    public static String httpBaseUrl() {
        ensureStarted();
        return "http://127.0.0.1:" + System.getProperty(HTTP_PORT_PROPERTY);
    }

    private static void ensureStarted() {
        synchronized (LOCK) {
            if (System.getProperty(HTTP_PORT_PROPERTY) != null) {
                return;
            }
            try {
                server = new MailServer(0, 0).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "mail-server-test-stop"));
            System.setProperty(SMTP_PORT_PROPERTY, Integer.toString(server.smtpPort()));
            System.setProperty(HTTP_PORT_PROPERTY, Integer.toString(server.httpPort()));
        }
    }
}
