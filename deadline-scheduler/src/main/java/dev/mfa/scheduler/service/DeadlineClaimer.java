package dev.mfa.scheduler.service;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventData;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.scheduler.config.SchedulerConfig;
import dev.mfa.scheduler.domain.TriggerKind;
import dev.mfa.scheduler.domain.TriggerOutcome;
import dev.mfa.scheduler.repository.DeadlineTriggerRepository;
import dev.mfa.scheduler.repository.DueTrigger;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Fires due triggers exactly once across any number of replicas: one transaction claims a batch with
 * {@code FOR UPDATE SKIP LOCKED}, writes their events to the outbox and marks them fired, so the events and the
 * "fired" marks commit together or not at all, and no two transactions ever hold the same row.
 */
@ApplicationScoped
public class DeadlineClaimer {

    /** Stops a single run after this many full batches; the next run goes on (keeps one run bounded). */
    static final int MAX_BATCHES_PER_RUN = 1000;

    private static final Logger LOG = Logger.getLogger(DeadlineClaimer.class);

    /** What one committed batch did. */
    public record BatchResult(int claimed, List<DueTrigger> fired, int skipped, Instant at) {
        static BatchResult empty(Instant at) {
            return new BatchResult(0, List.of(), 0, at);
        }
    }

    private final DeadlineTriggerRepository triggers;
    private final Outbox outbox;
    private final EventCodec codec;
    private final SchedulerConfig config;
    private final SchedulerMetrics metrics;
    private final Clock clock;

    public DeadlineClaimer(
            DeadlineTriggerRepository triggers,
            Outbox outbox,
            EventCodec codec,
            SchedulerConfig config,
            SchedulerMetrics metrics,
            Clock clock) {
        this.triggers = triggers;
        this.outbox = outbox;
        this.codec = codec;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Claims batches until nothing is due; completes with the number of events fired. */
    public Uni<Integer> drain() {
        return drain(0, 0).call(this::refreshPending);
    }

    private Uni<Integer> drain(int rounds, int firedSoFar) {
        return claimBatch().flatMap(batch -> {
            int fired = firedSoFar + batch.fired().size();
            return batch.claimed() >= config.batchSize() && rounds + 1 < MAX_BATCHES_PER_RUN
                    ? drain(rounds + 1, fired)
                    : Uni.createFrom().item(fired);
        });
    }

    /**
     * One transaction: claim up to {@code batchSize} due triggers, write the events, mark the rows. Demarcated here,
     * not by an interceptor, because tests run several claimers built by hand as replicas.
     */
    public Uni<BatchResult> claimBatch() {
        return Panache.withTransaction(() -> claimDue(clock.instant())).invoke(this::record);
    }

    /** The batch's work inside the caller's transaction: stale reminders are SKIPPED, the others FIRED. */
    Uni<BatchResult> claimDue(Instant now) {
        return triggers.claimDue(now, config.batchSize()).flatMap(due -> {
            if (due.isEmpty()) {
                return Uni.createFrom().item(BatchResult.empty(now));
            }
            List<DueTrigger> fire = new ArrayList<>(due.size());
            List<Long> fireIds = new ArrayList<>(due.size());
            List<Long> skipIds = new ArrayList<>();
            for (DueTrigger t : due) {
                if (t.stale()) {
                    skipIds.add(t.id());
                } else {
                    fire.add(t);
                    fireIds.add(t.id());
                }
            }
            // Outbox order = due order, so an org's reminder is relayed before its deadline.
            List<CloudEvent> events = fire.stream()
                    .map(t -> codec.wrap(t.eventId(), outbox.source(), eventOf(t), now))
                    .toList();
            return outbox.publishAll(Topics.DEADLINES, events)
                    .flatMap(ignored -> triggers.markDone(fireIds, TriggerOutcome.FIRED, now))
                    .flatMap(ignored -> triggers.markDone(skipIds, TriggerOutcome.SKIPPED, now))
                    .replaceWith(new BatchResult(due.size(), fire, skipIds.size(), now));
        });
    }

    static EventData eventOf(DueTrigger t) {
        return t.kind() == TriggerKind.REACHED
                ? new Events.DeadlineReached(t.orgId(), t.enforcementDeadline())
                : new Events.DeadlineApproaching(t.orgId(), t.enforcementDeadline(), t.daysLeft());
    }

    /** Runs after the commit: counts only what really fired. */
    private void record(BatchResult batch) {
        for (DueTrigger t : batch.fired()) {
            metrics.fired(t.kind().eventType(), Duration.between(t.fireAt(), batch.at()));
        }
        if (batch.skipped() > 0) {
            metrics.skipped(batch.skipped());
            LOG.infof("%d overdue reminders skipped (a later reminder or the deadline was also due)", batch.skipped());
        }
        if (!batch.fired().isEmpty()) {
            LOG.infof("%d deadline events fired", batch.fired().size());
        }
    }

    private Uni<Void> refreshPending() {
        return Panache.withSession(triggers::countPendingDeadlines)
                .invoke(metrics::pending)
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }
}
