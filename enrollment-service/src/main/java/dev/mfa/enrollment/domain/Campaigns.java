package dev.mfa.enrollment.domain;

import dev.mfa.core.events.EmailTemplates;
import dev.mfa.core.events.Events;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The rules of the deadline e-mails (docs/enrollment.md, "Who is told what"), free of any database: which deadline
 * event opens a campaign, and the identity of a campaign and of each of its e-mails. Identities are name-based UUIDs
 * of (org, template, deadline, days left[, user]), so every replica, retry and redelivery derives the same ones.
 */
public final class Campaigns {

    /** One occasion of an org: a reminder {@code daysLeft} days before {@code deadline}, or the deadline itself (0). */
    public record Campaign(UUID campaignId, String orgId, String template, Instant deadline, int daysLeft) {

        /** The request id of this campaign's e-mail to {@code userId}: notification-service sends it once. */
        public UUID requestId(String userId) {
            return name("email|" + key(orgId, template, deadline, daysLeft) + "|" + userId);
        }

        /** Display params of the template (docs/notification.md): the date in UTC, and the days left if any. */
        public Map<String, String> params() {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("deadline", deadline.atZone(ZoneOffset.UTC).toLocalDate().toString());
            if (EmailTemplates.DEADLINE_APPROACHING.equals(template)) {
                params.put("daysLeft", Integer.toString(daysLeft));
            }
            return Collections.unmodifiableMap(params);
        }
    }

    private Campaigns() {}

    public static Campaign of(String orgId, String template, Instant deadline, int daysLeft) {
        Instant at = deadline.truncatedTo(ChronoUnit.MILLIS);
        UUID id = name("email-campaign|" + key(orgId, template, at, daysLeft));
        return new Campaign(id, orgId, template, at, daysLeft);
    }

    /**
     * The reminder campaign for {@code event}, or empty when the org's policy no longer announces that deadline (MFA
     * turned off, the deadline moved, or already enforced): an event in flight while the admin changed the policy
     * must not tell users about a date that no longer holds.
     */
    public static Optional<Campaign> reminder(OrgPolicy policy, Events.DeadlineApproaching event) {
        if (event.daysLeft() <= 0
                || policy == null
                || !policy.enabled
                || policy.enforced
                || !sameDeadline(policy.enforcementDeadline, event.enforcementDeadline())) {
            return Optional.empty();
        }
        return Optional.of(
                of(event.orgId(), EmailTemplates.DEADLINE_APPROACHING, event.enforcementDeadline(), event.daysLeft()));
    }

    /** The "MFA is now required" campaign of a deadline that enrollment enforced ({@code PolicyService}). */
    public static Campaign required(Events.DeadlineReached event) {
        return of(event.orgId(), EmailTemplates.MFA_REQUIRED, event.enforcementDeadline(), 0);
    }

    /** Deadlines are compared to the millisecond, as {@code PolicyService.deadlineReached} does. */
    static boolean sameDeadline(Instant policy, Instant event) {
        return policy != null
                && event != null
                && policy.truncatedTo(ChronoUnit.MILLIS).equals(event.truncatedTo(ChronoUnit.MILLIS));
    }

    private static String key(String orgId, String template, Instant deadline, int daysLeft) {
        return orgId + "|" + template + "|" + deadline.truncatedTo(ChronoUnit.MILLIS) + "|" + daysLeft;
    }

    private static UUID name(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }
}
