package dev.mfa.scheduler.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;

/** Deadline scheduler settings ({@code mfa.scheduler.*}, env {@code MFA_SCHEDULER_*}). */
@ConfigMapping(prefix = "mfa.scheduler")
public interface SchedulerConfig {

    String DEFAULT_INTERVAL = "10s";
    String DEFAULT_REMINDER_DAYS = "14,7,1";
    String DEFAULT_BATCH_SIZE = "1000";

    /**
     * How often the job looks for due triggers ({@code 10s}; {@code off} disables the job). An event fires at most
     * about one interval after its time.
     */
    @WithDefault(DEFAULT_INTERVAL)
    String interval();

    /** Days before the deadline at which {@code mfa.deadline.approaching} fires, each once. */
    @WithDefault(DEFAULT_REMINDER_DAYS)
    List<Integer> reminderDays();

    /** Triggers claimed and written to the outbox per transaction. */
    @WithDefault(DEFAULT_BATCH_SIZE)
    int batchSize();
}
