package dev.mfa.scheduler.service;

import dev.mfa.core.events.Events;
import dev.mfa.scheduler.config.SchedulerConfig;
import dev.mfa.scheduler.domain.DeadlineTrigger;
import dev.mfa.scheduler.domain.OrgDeadline;
import dev.mfa.scheduler.domain.TriggerPlan;
import dev.mfa.scheduler.repository.DeadlineTriggerRepository;
import dev.mfa.scheduler.repository.OrgDeadlineRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Keeps each org's deadline and its pending triggers in step with the org's latest policy. */
@ApplicationScoped
public class DeadlineService {

    private static final Logger LOG = Logger.getLogger(DeadlineService.class);

    /** An org's stored policy and every event planned or fired for it. */
    public record Schedule(OrgDeadline org, List<DeadlineTrigger> triggers) {}

    private final OrgDeadlineRepository orgs;
    private final DeadlineTriggerRepository triggers;
    private final SchedulerConfig config;
    private final SchedulerMetrics metrics;
    private final Clock clock;

    public DeadlineService(
            OrgDeadlineRepository orgs,
            DeadlineTriggerRepository triggers,
            SchedulerConfig config,
            SchedulerMetrics metrics,
            Clock clock) {
        this.orgs = orgs;
        this.triggers = triggers;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Applies a policy change inside the caller's transaction (the consumer's {@code ProcessedEvents.once}). A version
     * not greater than the stored one changes nothing, so a late or repeated event never brings an old deadline back.
     * Completes with whether something is due already (a deadline set to now or in the past).
     */
    public Uni<Boolean> apply(Events.OrgPolicyChanged policy) {
        if (policy.orgId() == null || policy.orgId().isBlank()) {
            throw new IllegalArgumentException("policy event without orgId");
        }
        Instant now = clock.instant();
        return orgs.lockOrCreate(policy.orgId(), now).flatMap(row -> {
            if (policy.version() <= row.policyVersion) {
                metrics.stalePolicy();
                LOG.debugf(
                        "org %s: policy version %d ignored, holding %d",
                        policy.orgId(), policy.version(), row.policyVersion);
                return Uni.createFrom().item(false);
            }
            Optional<Instant> before = row.effectiveDeadline();
            row.policyVersion = policy.version();
            row.enabled = policy.enabled();
            row.enforcementDeadline = TriggerPlan.normalize(policy.enforcementDeadline());
            row.policyUpdatedAt = policy.updatedAt();
            row.receivedAt = now;
            Optional<Instant> after = row.effectiveDeadline();
            if (before.equals(after)) {
                // e.g. only the allowed methods changed: keep the schedule (and what already fired) as it is.
                return Uni.createFrom().item(false);
            }
            if (after.isEmpty()) {
                LOG.infof(
                        "org %s: MFA off or no deadline (policy version %d), pending events dropped",
                        policy.orgId(), policy.version());
                return triggers.deletePending(policy.orgId()).replaceWith(false);
            }
            Instant setAt = policy.updatedAt() != null ? policy.updatedAt() : now;
            List<TriggerPlan.Planned> planned =
                    TriggerPlan.plan(policy.orgId(), after.get(), setAt, config.reminderDays());
            boolean dueNow = planned.stream().anyMatch(p -> !p.fireAt().isAfter(now));
            LOG.infof(
                    "org %s: deadline %s (policy version %d), %d events scheduled",
                    policy.orgId(), after.get(), policy.version(), planned.size());
            return triggers.replacePending(policy.orgId(), after.get(), planned, now)
                    .replaceWith(dueNow);
        });
    }

    /** The org's stored policy and its events; null when no policy is known for the org. */
    @WithSession
    public Uni<Schedule> schedule(String orgId) {
        return orgs.find(orgId)
                .flatMap(org -> org == null || org.policyVersion == OrgDeadline.NO_VERSION
                        ? Uni.createFrom().nullItem()
                        : triggers.listByOrg(orgId).map(list -> new Schedule(org, list)));
    }
}
