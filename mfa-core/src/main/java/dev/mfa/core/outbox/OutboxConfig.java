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

    /** Rows relayed per transaction. */
    @WithDefault("500")
    int batchSize();

    /** How long sent rows are kept for inspection before the cleanup deletes them. */
    @WithDefault("P1D")
    Duration retention();
}
