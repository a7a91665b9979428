package dev.mfa.notification.service;

import dev.mfa.notification.config.NotificationConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Periodic housekeeping of every dispatch queue (SMS, e-mail): PENDING requests past their expiry become FAILED
 * {@code expired}; SENDING requests whose lease ran out (the process died during the provider call) become FAILED
 * {@code outcome_unknown} — not resent, because the provider may have accepted them; the SMS queue gauges; purge of
 * old finished rows. Each step is one transaction of the channel's {@link QueueDispatch}.
 */
@ApplicationScoped
public class QueueSweeper {

    private static final Logger LOG = Logger.getLogger(QueueSweeper.class);
    private static final int BATCH = 200;

    private final SmsDispatchService sms;
    private final List<QueueDispatch<?, ?>> queues;
    private final NotificationMetrics metrics;
    private final NotificationConfig config;
    private final Clock clock;

    public QueueSweeper(
            SmsDispatchService sms,
            EmailDispatchService email,
            NotificationMetrics metrics,
            NotificationConfig config,
            Clock clock) {
        this.sms = sms;
        this.queues = List.of(sms, email);
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(
            every = "${mfa.notification.dispatch.sweep-interval:PT2S}",
            delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sweep() {
        // Each queue on its own: a failure of one does not hold the other back.
        Uni<Void> all = Uni.createFrom().voidItem();
        for (QueueDispatch<?, ?> queue : queues) {
            Uni<Void> swept = queue.failExpired(BATCH).flatMap(ignored -> queue.failLostInFlight(BATCH));
            Uni<Void> step = queue == sms ? swept.call(this::gauges) : swept;
            all = all.flatMap(ignored -> recovered(queue, step));
        }
        return all;
    }

    private static Uni<Void> recovered(QueueDispatch<?, ?> queue, Uni<Void> sweep) {
        return sweep.onFailure()
                .invoke(e -> LOG.warnf(
                        "%s queue sweep failed, will retry: %s",
                        queue.label(), e.getClass().getSimpleName()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    private Uni<Void> gauges() {
        return sms.pendingStats()
                .invoke(stats -> metrics.queue(stats[0], stats[1]))
                .replaceWithVoid();
    }

    @Scheduled(every = "1h", delayed = "3m", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> purge() {
        Instant before = clock.instant().minus(config.retention());
        Uni<Void> all = Uni.createFrom().voidItem();
        for (QueueDispatch<?, ?> queue : queues) {
            all = all.flatMap(ignored ->
                    queue.purgeFinished(before).onFailure().recoverWithNull().replaceWithVoid());
        }
        return all;
    }
}
