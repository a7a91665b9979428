package dev.mfa.enrollment.service;

import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.enrollment.domain.OrgUser;
import dev.mfa.enrollment.domain.Requirement;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;

/** Keeps org rosters from the identity provider's events. */
@ApplicationScoped
public class RosterService {

    private final Outbox outbox;
    private final Clock clock;

    public RosterService(Outbox outbox, Clock clock) {
        this.outbox = outbox;
        this.clock = clock;
    }

    /** Runs inside the consumer's transaction. */
    public Uni<Void> upsert(Events.UserUpserted user) {
        return OrgUser.<OrgUser>findById(user.userId()).flatMap(existing -> {
            OrgUser row = existing != null ? existing : newUser(user.userId());
            Requirement previous = existing != null ? existing.requirement : Requirement.NOT_REQUIRED;
            row.orgId = user.orgId();
            row.email = user.email();
            row.pay = user.pay();
            row.updatedAt = clock.instant();
            row.requirement = requirementFor(row, previous);
            Uni<Void> persist = row.persist().replaceWithVoid();
            if (row.requirement == previous) {
                return persist;
            }
            return persist.flatMap(ignored -> outbox.publish(Topics.USER_REQUIREMENTS,
                    new Events.UserRequirementChanged(row.userId, row.orgId, row.requirement.name(), previous.name(),
                            row.isPayUser() ? "pay-user" : "org-policy"))).replaceWithVoid();
        });
    }

    private OrgUser newUser(String userId) {
        OrgUser row = new OrgUser();
        row.userId = userId;
        row.createdAt = clock.instant();
        return row;
    }

    /** Pay users always need MFA; otherwise the org's policy decides (policy state comes with the policy feature). */
    Requirement requirementFor(OrgUser user, Requirement current) {
        if (user.isPayUser()) {
            return Requirement.REQUIRED;
        }
        return current == Requirement.REQUIRED && user.isPayUser() ? Requirement.REQUIRED : current;
    }
}
