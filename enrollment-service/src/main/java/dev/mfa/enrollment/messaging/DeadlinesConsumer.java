package dev.mfa.enrollment.messaging;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.inbox.ProcessedEvents;
import dev.mfa.enrollment.domain.Campaigns.Campaign;
import dev.mfa.enrollment.service.CampaignMailer;
import dev.mfa.enrollment.service.PolicyService;
import dev.mfa.enrollment.service.RequirementService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The enforcement switch: {@code mfa.deadline.reached} enforces the org (one transaction, with the event id), then
 * switches its users in bounded batches. A duplicate is dropped by id; a switch cut short by a crash is finished
 * by {@link RequirementService}'s resync job. Users without a factor are e-mailed: {@code mfa.deadline.approaching}
 * opens a reminder campaign, the switch is followed by "MFA is now required" ({@link CampaignMailer}); each campaign is
 * opened in the event's transaction and fanned out after it, so a redelivery opens nothing and e-mails nobody again.
 */
@ApplicationScoped
public class DeadlinesConsumer {

    public static final String REASON = "deadline-reached";

    private final EventCodec codec;
    private final ProcessedEvents processed;
    private final PolicyService policies;
    private final RequirementService requirements;
    private final CampaignMailer mailer;

    public DeadlinesConsumer(
            EventCodec codec,
            ProcessedEvents processed,
            PolicyService policies,
            RequirementService requirements,
            CampaignMailer mailer) {
        this.codec = codec;
        this.processed = processed;
        this.policies = policies;
        this.requirements = requirements;
        this.mailer = mailer;
    }

    @Incoming(Channels.DEADLINES)
    public Uni<Void> consume(String payload) {
        CloudEvent event = codec.decode(payload);
        if (EventTypes.DEADLINE_APPROACHING.equals(event.type())) {
            return approaching(event);
        }
        if (!EventTypes.DEADLINE_REACHED.equals(event.type())) {
            return processed
                    .once(Channels.CONSUMER, event.id(), () -> Uni.createFrom().voidItem())
                    .replaceWithVoid();
        }
        Events.DeadlineReached data = codec.data(event, Events.DeadlineReached.class);
        if (data.orgId() == null || data.orgId().isBlank()) {
            throw new EventCodec.EventFormatException("mfa.deadline.reached lacks orgId", null);
        }
        AtomicBoolean enforce = new AtomicBoolean();
        AtomicReference<Campaign> campaign = new AtomicReference<>();
        return processed
                .once(
                        Channels.CONSUMER,
                        event.id(),
                        () -> policies.deadlineReached(data)
                                .invoke(enforce::set)
                                .call(enforced -> enforced
                                        ? mailer.openRequired(data).invoke(campaign::set)
                                        : Uni.createFrom().nullItem()))
                .flatMap(first -> first && enforce.get()
                        ? requirements.reconcile(data.orgId(), REASON).replaceWithVoid()
                        : Uni.createFrom().voidItem())
                // After the switch: the e-mail goes to the users it made required.
                .flatMap(ignored -> fanOut(campaign.get()));
    }

    private Uni<Void> approaching(CloudEvent event) {
        Events.DeadlineApproaching data = codec.data(event, Events.DeadlineApproaching.class);
        if (data.orgId() == null || data.orgId().isBlank() || data.enforcementDeadline() == null) {
            throw new EventCodec.EventFormatException(
                    "mfa.deadline.approaching lacks orgId or enforcementDeadline", null);
        }
        AtomicReference<Campaign> campaign = new AtomicReference<>();
        return processed
                .once(
                        Channels.CONSUMER,
                        event.id(),
                        () -> mailer.openReminder(data).invoke(campaign::set))
                .flatMap(ignored -> fanOut(campaign.get()));
    }

    private Uni<Void> fanOut(Campaign campaign) {
        return campaign == null
                ? Uni.createFrom().voidItem()
                : mailer.fanOut(campaign).replaceWithVoid();
    }
}
