package dev.mfa.enrollment.messaging;

import static dev.mfa.enrollment.messaging.Required.present;

import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.inbox.EventConsumer;
import dev.mfa.core.inbox.ProcessedEvents;
import dev.mfa.enrollment.domain.Campaigns.Campaign;
import dev.mfa.enrollment.service.CampaignMailer;
import dev.mfa.enrollment.service.PolicyService;
import dev.mfa.enrollment.service.RequirementService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
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

    /** What runs after the event's transaction: the switch of the org enforced now (or null), and a campaign. */
    private record AfterCommit(String enforcedOrgId, Campaign campaign) {}

    private final EventConsumer events;
    private final PolicyService policies;
    private final RequirementService requirements;
    private final CampaignMailer mailer;

    public DeadlinesConsumer(
            EventCodec codec,
            ProcessedEvents processed,
            PolicyService policies,
            RequirementService requirements,
            CampaignMailer mailer) {
        this.events = EventConsumer.named(Channels.CONSUMER)
                .on(
                        EventTypes.DEADLINE_APPROACHING,
                        Events.DeadlineApproaching.class,
                        (event, data) -> approaching(Required.check(
                                data,
                                present(data.orgId()) && data.enforcementDeadline() != null,
                                "mfa.deadline.approaching lacks orgId or enforcementDeadline")))
                .on(
                        EventTypes.DEADLINE_REACHED,
                        Events.DeadlineReached.class,
                        (event, data) -> reached(
                                Required.check(data, present(data.orgId()), "mfa.deadline.reached lacks orgId")))
                .build(codec, processed);
        this.policies = policies;
        this.requirements = requirements;
        this.mailer = mailer;
    }

    @Incoming(Channels.DEADLINES)
    public Uni<Void> consume(String payload) {
        // A duplicate or another type completes with no result: nothing to switch, nobody to e-mail.
        return events.handle(payload)
                .flatMap(outcome -> outcome.result() instanceof AfterCommit next
                        ? afterCommit(next)
                        : Uni.createFrom().voidItem());
    }

    private Uni<AfterCommit> approaching(Events.DeadlineApproaching data) {
        return mailer.openReminder(data).map(campaign -> new AfterCommit(null, campaign));
    }

    private Uni<AfterCommit> reached(Events.DeadlineReached data) {
        return policies.deadlineReached(data)
                .flatMap(enforced -> enforced
                        ? mailer.openRequired(data).map(campaign -> new AfterCommit(data.orgId(), campaign))
                        : Uni.createFrom().item(new AfterCommit(null, null)));
    }

    private Uni<Void> afterCommit(AfterCommit next) {
        Uni<?> switched = next.enforcedOrgId() == null
                ? Uni.createFrom().voidItem()
                : requirements.reconcile(next.enforcedOrgId(), REASON);
        // After the switch: the e-mail goes to the users it made required.
        return switched.flatMap(ignored -> next.campaign() == null
                ? Uni.createFrom().voidItem()
                : mailer.fanOut(next.campaign()).replaceWithVoid());
    }
}
