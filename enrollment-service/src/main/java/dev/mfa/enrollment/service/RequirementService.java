package dev.mfa.enrollment.service;

import dev.mfa.core.outbox.Outbox;
import dev.mfa.enrollment.config.PolicyConfig;
import dev.mfa.enrollment.domain.OrgPolicy;
import dev.mfa.enrollment.repository.OrgPolicyRepository;
import dev.mfa.enrollment.repository.RequirementRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The enforcement switch and every other org-wide requirement change: brings all users of an org to the
 * requirement its current policy dictates, one bounded key range per transaction. Only changed rows get an event,
 * so running it twice (duplicate delivery, a retry racing the first run) emits nothing the second time.
 */
@ApplicationScoped
public class RequirementService {

    private static final Logger LOG = Logger.getLogger(RequirementService.class);
    /** Sorts before every user id. */
    private static final String START = "";

    private final RequirementRepository repository;
    private final PolicyConfig config;
    private final Outbox outbox;
    private final Clock clock;
    private final MeterRegistry registry;
    private final OrgPolicyRepository policies;

    public RequirementService(
            RequirementRepository repository,
            OrgPolicyRepository policies,
            PolicyConfig config,
            Outbox outbox,
            Clock clock,
            MeterRegistry registry) {
        this.repository = repository;
        this.policies = policies;
        this.config = config;
        this.outbox = outbox;
        this.clock = clock;
        this.registry = registry;
    }

    /** Runs outside any transaction; returns how many users changed. */
    public Uni<Integer> reconcile(String orgId, String reason) {
        AtomicInteger changed = new AtomicInteger();
        long started = System.nanoTime();
        return Panache.withSession(() -> policies.findById(orgId).map(p -> p == null ? 0L : p.version))
                .flatMap(version ->
                        batchesFrom(orgId, START, reason, changed).flatMap(ignored -> markSynced(orgId, version)))
                .map(ignored -> {
                    registry.counter("mfa.enrollment.requirement.changes", "reason", reason)
                            .increment(changed.get());
                    LOG.infof(
                            "org %s: %d requirement change(s) (%s) in %d ms",
                            orgId, changed.get(), reason, (System.nanoTime() - started) / 1_000_000);
                    return changed.get();
                });
    }

    private Uni<Void> batchesFrom(String orgId, String after, String reason, AtomicInteger changed) {
        return Panache.withTransaction(() -> repository
                        .holdPolicy(orgId)
                        .flatMap(held -> repository.rangeEnd(orgId, after, config.switchBatchSize()))
                        .flatMap(end -> repository
                                .switchRange(orgId, after, end, reason, outbox.source(), clock.instant())
                                .map(count -> {
                                    changed.addAndGet(count);
                                    return end == null ? START : end;
                                })))
                .flatMap(end ->
                        end.equals(START) ? Uni.createFrom().voidItem() : batchesFrom(orgId, end, reason, changed));
    }

    private Uni<Integer> markSynced(String orgId, long version) {
        return Panache.withTransaction(() -> policies.markSynced(orgId, version));
    }

    /** Finishes switches a crash interrupted (policy version committed, users not all switched). */
    @Scheduled(
            every = "${mfa.policy.resync-every:15s}",
            delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> resync() {
        return Panache.withSession(
                        () -> policies.unsyncedChangedBefore(clock.instant().minus(config.resyncAfter())))
                .flatMap((List<OrgPolicy> stale) -> Multi.createFrom()
                        .iterable(stale)
                        .onItem()
                        .transformToUniAndConcatenate(p -> reconcile(p.orgId, "policy-resync"))
                        .collect()
                        .asList())
                .onFailure()
                .invoke(e -> LOG.warnf(
                        "requirement resync failed, will retry: %s",
                        e.getClass().getSimpleName()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }
}
