package dev.mfa.scheduler.service;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Fires what is due every {@code mfa.scheduler.interval}. The first run happens right after start, which is the
 * catch-up after downtime. Overlapping runs in one process are skipped; across replicas the claim's row locks keep
 * runs apart.
 */
@ApplicationScoped
public class DeadlineJob {

    private static final Logger LOG = Logger.getLogger(DeadlineJob.class);

    private final DeadlineClaimer claimer;

    public DeadlineJob(DeadlineClaimer claimer) {
        this.claimer = claimer;
    }

    @Scheduled(
            identity = "deadline-scheduler",
            every = "${mfa.scheduler.interval:10s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> run() {
        return claimer.drain()
                .onFailure()
                .invoke(e -> LOG.warnf("deadline run failed, the next run retries: %s", e.toString()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }
}
