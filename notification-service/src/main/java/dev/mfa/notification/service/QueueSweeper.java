package dev.mfa.notification.service;

import dev.mfa.notification.config.NotificationConfig;
import dev.mfa.notification.domain.SmsRequest;
import dev.mfa.notification.domain.SmsState;
import dev.mfa.notification.repository.SmsRequestRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Periodic housekeeping: PENDING requests whose code expired become FAILED {@code expired}; SENDING requests whose
 * lease ran out (the process died during the provider call) become FAILED {@code outcome_unknown} — not resent,
 * because the provider may have accepted them; queue gauges; purge of old finished rows.
 */
@ApplicationScoped
public class QueueSweeper {

    private static final Logger LOG = Logger.getLogger(QueueSweeper.class);
    private static final int BATCH = 200;

    private final SmsRequestRepository repository;
    private final DispatchService dispatch;
    private final NotificationMetrics metrics;
    private final NotificationConfig config;
    private final Clock clock;

    public QueueSweeper(SmsRequestRepository repository, DispatchService dispatch, NotificationMetrics metrics,
                        NotificationConfig config, Clock clock) {
        this.repository = repository;
        this.dispatch = dispatch;
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${mfa.notification.dispatch.sweep-interval:PT2S}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sweep() {
        return sweepOnce()
                .onFailure().invoke(e -> LOG.warnf("sms queue sweep failed, will retry: %s", e.getClass().getSimpleName()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    public Uni<Void> sweepOnce() {
        return failEach(repository::lockExpiredPending, row -> dispatch.fail(row, "expired", false, clock.instant()))
                .flatMap(ignored -> failEach(repository::lockLostInFlight, row -> {
                    LOG.warnf("sms request %s: send outcome unknown (lease expired during the provider call), "
                            + "not resent", row.requestId);
                    return dispatch.fail(row, "outcome_unknown", false, clock.instant());
                }))
                .flatMap(ignored -> Panache.withSession(repository::pendingStats))
                .invoke(stats -> {
                    long depth = ((Number) stats[0]).longValue();
                    long oldest = stats[1] == null ? 0 : Math.max(0,
                            Duration.between(toInstant(stats[1]), clock.instant()).toSeconds());
                    metrics.queue(depth, oldest);
                })
                .replaceWithVoid();
    }

    private Uni<Void> failEach(java.util.function.BiFunction<Instant, Integer, Uni<List<UUID>>> lockIds,
                               Function<SmsRequest, Uni<Void>> action) {
        return Panache.withTransaction(() -> lockIds.apply(clock.instant(), BATCH)
                .flatMap(ids -> ids.isEmpty() ? Uni.createFrom().voidItem() : Multi.createFrom().iterable(ids)
                        .onItem().transformToUniAndConcatenate(id -> SmsRequest.<SmsRequest>findById(id)
                                .flatMap(row -> row == null || row.state == SmsState.SENT ? Uni.createFrom().voidItem()
                                        : action.apply(row)))
                        .collect().last().replaceWithVoid()));
    }

    @Scheduled(every = "1h", delayed = "3m", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> purge() {
        return Panache.withTransaction(() -> repository.purgeFinished(clock.instant().minus(config.retention())))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private static Instant toInstant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof java.time.LocalDateTime l) {
            return l.toInstant(java.time.ZoneOffset.UTC);
        }
        return Instant.parse(value.toString());
    }
}
