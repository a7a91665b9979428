package dev.mfa.notification.service;

import dev.mfa.notification.config.NotificationConfig;
import dev.mfa.notification.domain.EmailRequest;
import dev.mfa.notification.domain.EmailState;
import dev.mfa.notification.repository.EmailRequestRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Housekeeping of the e-mail queue: PENDING requests past their max age become FAILED {@code expired}; SENDING
 * requests whose lease ran out (the process died during the SMTP call) become FAILED {@code outcome_unknown} — not
 * resent, because the server may have taken the mail; finished rows are purged after the retention.
 */
@ApplicationScoped
public class EmailSweeper {

    private static final Logger LOG = Logger.getLogger(EmailSweeper.class);
    private static final int BATCH = 200;

    private final EmailRequestRepository repository;
    private final EmailDispatchService dispatch;
    private final NotificationConfig config;
    private final Clock clock;

    public EmailSweeper(EmailRequestRepository repository, EmailDispatchService dispatch, NotificationConfig config,
                        Clock clock) {
        this.repository = repository;
        this.dispatch = dispatch;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${mfa.notification.dispatch.sweep-interval:PT2S}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sweep() {
        return sweepOnce()
                .onFailure().invoke(e -> LOG.warnf("email queue sweep failed, will retry: %s",
                        e.getClass().getSimpleName()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    public Uni<Void> sweepOnce() {
        return failEach(repository::lockExpiredPending, row -> dispatch.fail(row, "expired", false, clock.instant()))
                .flatMap(ignored -> failEach(repository::lockLostInFlight, row -> {
                    LOG.warnf("email request %s: send outcome unknown (lease expired during the SMTP call), "
                            + "not resent", row.requestId);
                    return dispatch.fail(row, "outcome_unknown", false, clock.instant());
                }));
    }

    private Uni<Void> failEach(BiFunction<Instant, Integer, Uni<List<UUID>>> lockIds,
                               Function<EmailRequest, Uni<Void>> action) {
        return Panache.withTransaction(() -> lockIds.apply(clock.instant(), BATCH)
                .flatMap(ids -> ids.isEmpty() ? Uni.createFrom().voidItem() : Multi.createFrom().iterable(ids)
                        .onItem().transformToUniAndConcatenate(id -> EmailRequest.<EmailRequest>findById(id)
                                .flatMap(row -> row == null || row.state == EmailState.SENT
                                        || row.state == EmailState.FAILED ? Uni.createFrom().voidItem()
                                        : action.apply(row)))
                        .collect().last().replaceWithVoid()));
    }

    @Scheduled(every = "1h", delayed = "3m", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> purge() {
        return Panache.withTransaction(() -> repository.purgeFinished(clock.instant().minus(config.retention())))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
