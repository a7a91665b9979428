package dev.mfa.enrollment.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Org policies and the enforcement switch ({@code mfa.policy.*}). */
@ConfigMapping(prefix = "mfa.policy")
public interface PolicyConfig {

    /** A deadline this far in the past still counts as "now" (clock skew, request latency): enforced at once. */
    @WithDefault("PT2M")
    Duration deadlineGrace();

    /** Deadlines further ahead than this are refused. */
    @WithDefault("P1826D")
    Duration maxDeadlineAhead();

    /** Users whose requirement is recomputed per transaction by the enforcement switch. */
    @WithDefault("5000")
    int switchBatchSize();

    /**
     * A policy change whose requirement switch did not finish (crash) is retried after this delay. Longer than the
     * longest switch (1,000,000 users: about a minute), so that a running switch is not started a second time.
     */
    @WithDefault("PT5M")
    Duration resyncAfter();
}
