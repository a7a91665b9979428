package dev.mfa.notification.service;

import dev.mfa.core.time.SqlInstants;
import dev.mfa.notification.config.NotificationConfig;
import dev.mfa.notification.domain.EmailRequest;
import dev.mfa.notification.domain.EmailState;
import dev.mfa.notification.domain.SmsRequest;
import dev.mfa.notification.domain.SmsState;
import dev.mfa.notification.repository.EmailRequestRepository;
import dev.mfa.notification.repository.QueueTable;
import dev.mfa.notification.repository.SmsRequestRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Periodic housekeeping of every dispatch queue (SMS, e-mail): PENDING requests past their expiry become FAILED
 * {@code expired}; SENDING requests whose lease ran out (the process died during the provider call) become FAILED
 * {@code outcome_unknown} — not resent, because the provider may have accepted them; the SMS queue gauges; purge of
 * old finished rows.
 */
@ApplicationScoped
public class QueueSweeper {

    private static final Logger LOG = Logger.getLogger(QueueSweeper.class);
    private static final int BATCH = 200;

    /** One queue as the sweeper sees it: its statements, its rows, and how a row fails. */
    private record Swept<R>(
            String label,
            String call,
            QueueTable<?> table,
            Function<UUID, Uni<R>> find,
            Predicate<R> open,
            BiFunction<R, String, Uni<Void>> fail) {}

    private final Swept<SmsRequest> sms;
    private final Swept<EmailRequest> email;
    private final NotificationMetrics metrics;
    private final NotificationConfig config;
    private final Clock clock;

    public QueueSweeper(
            SmsRequestRepository smsRequests,
            EmailRequestRepository emailRequests,
            DispatchService smsDispatch,
            EmailDispatchService emailDispatch,
            NotificationMetrics metrics,
            NotificationConfig config,
            Clock clock) {
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
        this.sms = new Swept<>(
                "sms",
                "provider",
                smsRequests.queue(),
                // Lambdas, not method references: Panache rewrites only direct calls of the entity's statics.
                id -> SmsRequest.<SmsRequest>findById(id),
                row -> row.state != SmsState.SENT,
                (row, reason) -> smsDispatch.fail(row, reason, false, clock.instant()));
        this.email = new Swept<>(
                "email",
                "SMTP",
                emailRequests.queue(),
                id -> EmailRequest.<EmailRequest>findById(id),
                row -> row.state != EmailState.SENT && row.state != EmailState.FAILED,
                (row, reason) -> emailDispatch.fail(row, reason, false, clock.instant()));
    }

    @Scheduled(
            every = "${mfa.notification.dispatch.sweep-interval:PT2S}",
            delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sweep() {
        // Each queue on its own: a failure of one does not hold the other back.
        return recovered(sms, sweep(sms).call(this::gauges)).flatMap(ignored -> recovered(email, sweep(email)));
    }

    private static Uni<Void> recovered(Swept<?> queue, Uni<Void> sweep) {
        return sweep.onFailure()
                .invoke(e -> LOG.warnf(
                        "%s queue sweep failed, will retry: %s",
                        queue.label(), e.getClass().getSimpleName()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    private <R> Uni<Void> sweep(Swept<R> queue) {
        return failEach(
                        queue,
                        queue.table()::lockExpiredPending,
                        (id, row) -> queue.fail().apply(row, "expired"))
                .flatMap(ignored -> failEach(queue, queue.table()::lockLostInFlight, (id, row) -> {
                    LOG.warnf(
                            "%s request %s: send outcome unknown (lease expired during the %s call), not resent",
                            queue.label(), id, queue.call());
                    return queue.fail().apply(row, "outcome_unknown");
                }));
    }

    private <R> Uni<Void> failEach(
            Swept<R> queue,
            BiFunction<Instant, Integer, Uni<List<UUID>>> lockIds,
            BiFunction<UUID, R, Uni<Void>> action) {
        return Panache.withTransaction(() -> lockIds.apply(clock.instant(), BATCH)
                .flatMap(ids -> ids.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : Multi.createFrom()
                                .iterable(ids)
                                .onItem()
                                .transformToUniAndConcatenate(id -> queue.find()
                                        .apply(id)
                                        .flatMap(row ->
                                                row == null || !queue.open().test(row)
                                                        ? Uni.createFrom().voidItem()
                                                        : action.apply(id, row)))
                                .collect()
                                .last()
                                .replaceWithVoid()));
    }

    private Uni<Void> gauges() {
        return Panache.withSession(() -> sms.table().pendingStats())
                .invoke(stats -> {
                    long depth = ((Number) stats[0]).longValue();
                    long oldest = stats[1] == null
                            ? 0
                            : Math.max(
                                    0,
                                    Duration.between(SqlInstants.of(stats[1]), clock.instant())
                                            .toSeconds());
                    metrics.queue(depth, oldest);
                })
                .replaceWithVoid();
    }

    @Scheduled(every = "1h", delayed = "3m", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> purge() {
        Instant before = clock.instant().minus(config.retention());
        return Panache.withTransaction(() -> sms.table().purgeFinished(before))
                .onFailure()
                .recoverWithNull()
                .flatMap(ignored -> Panache.withTransaction(() -> email.table().purgeFinished(before)))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }
}
