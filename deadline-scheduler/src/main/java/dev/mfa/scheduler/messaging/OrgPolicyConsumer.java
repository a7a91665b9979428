package dev.mfa.scheduler.messaging;

import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.inbox.EventConsumer;
import dev.mfa.core.inbox.ProcessedEvents;
import dev.mfa.scheduler.service.DeadlineClaimer;
import dev.mfa.scheduler.service.DeadlineService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Org policies from {@code mfa.org-policies}; duplicates are dropped by event id, stale versions by version. */
@ApplicationScoped
public class OrgPolicyConsumer {

    private static final Logger LOG = Logger.getLogger(OrgPolicyConsumer.class);

    private final EventConsumer events;
    private final DeadlineClaimer claimer;

    public OrgPolicyConsumer(
            EventCodec codec, ProcessedEvents processed, DeadlineService deadlines, DeadlineClaimer claimer) {
        // The handler completes with whether the new deadline is already due.
        this.events = EventConsumer.named(Channels.CONSUMER)
                .on(
                        EventTypes.ORG_POLICY_CHANGED,
                        Events.OrgPolicyChanged.class,
                        (event, policy) -> deadlines.apply(policy))
                .build(codec, processed);
        this.claimer = claimer;
    }

    @Incoming(Channels.ORG_POLICIES)
    public Uni<Void> consume(String payload) {
        return events.handle(payload)
                // A deadline set to now fires at once, not at the next run; the run would catch it if this fails.
                .call(outcome -> Boolean.TRUE.equals(outcome.result())
                        ? claimer.drain()
                                .onFailure()
                                .invoke(e -> LOG.warnf("immediate firing failed, the next run retries: %s", e))
                                .onFailure()
                                .recoverWithNull()
                        : Uni.createFrom().voidItem())
                .replaceWithVoid();
    }
}
