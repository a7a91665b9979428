package dev.mfa.core.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Outbox relay settings ({@code mfa.outbox.*}). */
@ConfigMapping(prefix = "mfa.outbox")
public interface OutboxConfig {

    /** CloudEvents {@code source} of this service's events, e.g. {@code /enrollment-service}. */
    @WithDefault("/${quarkus.application.name}")
    String source();

    /** The emitter buffers at most this many unacknowledged events, so a run never sends more. */
    int MAX_BATCH_SIZE = 16384;

    /**
     * Events relayed per transaction (at most {@link #MAX_BATCH_SIZE}): all are sent before the first ack is awaited,
     * so larger runs keep the producer's batches full.
     */
    @WithDefault("500")
    int batchSize();

    /** How often the relay looks for rows ({@link OutboxRelay}'s Vert.x timer). */
    @WithDefault("PT0.1S")
    Duration pollInterval();

    /**
     * How often the backlog gauges are measured, as a scheduler period (e.g. {@code 5s}); read by {@link OutboxRelay}'s
     * {@code @Scheduled} expression, declared here so that setting it passes the mapping's validation.
     */
    @WithDefault("5s")
    String backlogInterval();

    /**
     * How long rows marked sent by a relay before issue 16 are kept before the cleanup deletes them (today's relay
     * deletes a row once sent).
     */
    @WithDefault("P1D")
    Duration retention();

    /** These settings with their defaults and {@code source}, for code that builds an {@link Outbox} without CDI. */
    static OutboxConfig withSource(String source) {
        return new OutboxConfig() {
            @Override
            public String source() {
                return source;
            }

            @Override
            public int batchSize() {
                return 500;
            }

            @Override
            public Duration pollInterval() {
                return Duration.ofMillis(100);
            }

            @Override
            public String backlogInterval() {
                return "5s";
            }

            @Override
            public Duration retention() {
                return Duration.ofDays(1);
            }
        };
    }
}
