package dev.mfa.enrollment.repository;

import dev.mfa.core.events.EmailTemplates;
import dev.mfa.core.time.SqlInstants;
import dev.mfa.enrollment.domain.Campaigns;
import dev.mfa.enrollment.domain.Campaigns.Campaign;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * E-mail campaigns (deadline reminders, "MFA is now required") and the per-user claims that make each e-mail happen
 * once. Every method runs inside the caller's transaction.
 */
@ApplicationScoped
public class CampaignRepository {

    /** A user a campaign has just claimed; the address never leaves the service in clear. */
    public record Recipient(String userId, String email) {
        @Override
        public String toString() {
            return "Recipient[userId=" + userId + ", email=<redacted>]";
        }
    }

    /**
     * Claims, in one statement, the users of {@code (after, upTo]} (%1$s: the upper bound, or nothing for the last
     * range; %2$s: an extra condition) who have no active factor and were not claimed by this campaign before, and
     * returns their addresses. A concurrent claim of the same user waits on the primary key and then inserts nothing.
     */
    private static final String CLAIM = "with claimed as ("
            + " insert into email_notice (campaign_id, user_id)"
            + " select :campaign, u.user_id from org_user u"
            + " where u.org_id = :org and u.user_id > :after %1$s %2$s and u.email <> ''"
            + " and not exists (select 1 from factor f where f.user_id = u.user_id)"
            + " on conflict do nothing returning user_id"
            + ") select c.user_id, u.email from claimed c join org_user u on u.user_id = c.user_id order by c.user_id";

    private final RequirementRepository ranges;

    public CampaignRepository(RequirementRepository ranges) {
        this.ranges = ranges;
    }

    /** Records the campaign; false when it exists already (a redelivered or repeated deadline event). */
    public Uni<Boolean> open(Campaign campaign, Instant now) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("insert into email_campaign (campaign_id, org_id, "
                                + "template, deadline, days_left, created_at) values (:id, :org, :template, :deadline, :days, "
                                + ":now) on conflict do nothing")
                        .setParameter("id", campaign.campaignId())
                        .setParameter("org", campaign.orgId())
                        .setParameter("template", campaign.template())
                        .setParameter("deadline", campaign.deadline())
                        .setParameter("days", campaign.daysLeft())
                        .setParameter("now", now)
                        .executeUpdate())
                .map(inserted -> inserted == 1);
    }

    /** The last user id of the next key range of {@code size} users of the org; null when fewer remain. */
    public Uni<String> rangeEnd(String orgId, String after, int size) {
        return ranges.rangeEnd(orgId, after, size);
    }

    /**
     * Claims the range's users who still need this campaign's e-mail: no active factor and, for "MFA is now
     * required", a requirement that is now {@code REQUIRED} (a user the switch left optional is not told so).
     */
    public Uni<List<Recipient>> claim(Campaign campaign, String after, String upTo) {
        boolean required = EmailTemplates.MFA_REQUIRED.equals(campaign.template());
        // A reminder says MFA will be required at the deadline: not to a user exempt until after it (issue 18).
        String sql = String.format(
                CLAIM,
                upTo == null ? "" : "and u.user_id <= :upTo",
                required
                        ? "and u.requirement = 'REQUIRED'"
                        : "and not exists (select 1 from mfa_exemption x where x.user_id = u.user_id and x.until > :deadline)");
        return Panache.getSession()
                .flatMap(s -> {
                    var query = s.createNativeQuery(sql, Object[].class)
                            .setParameter("campaign", campaign.campaignId())
                            .setParameter("org", campaign.orgId())
                            .setParameter("after", after);
                    if (!required) {
                        query.setParameter("deadline", campaign.deadline());
                    }
                    if (upTo != null) {
                        query.setParameter("upTo", upTo);
                    }
                    return query.getResultList();
                })
                .map(rows -> rows.stream()
                        .map(r -> new Recipient((String) r[0], (String) r[1]))
                        .toList());
    }

    public Uni<Integer> markDone(UUID campaignId, Instant now) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "update email_campaign set done_at = :now where campaign_id = :id and done_at is null")
                        .setParameter("now", now)
                        .setParameter("id", campaignId)
                        .executeUpdate());
    }

    /**
     * Campaigns opened before {@code before} and not finished (the fan-out was cut short). "MFA is now required"
     * waits until the org's switch has finished too, since it e-mails only users the switch made required.
     */
    public Uni<List<Campaign>> unfinished(Instant before) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "select c.org_id, c.template, c.deadline, "
                                        + "c.days_left from email_campaign c left join org_policy p on p.org_id = c.org_id "
                                        + "where c.done_at is null and c.created_at < :before and (c.template <> :required "
                                        + "or p.synced_version >= p.version) order by c.created_at limit 100",
                                Object[].class)
                        .setParameter("before", before)
                        .setParameter("required", EmailTemplates.MFA_REQUIRED)
                        .getResultList())
                .map(rows -> rows.stream()
                        .map(r -> Campaigns.of(
                                (String) r[0], (String) r[1], SqlInstants.of(r[2]), ((Number) r[3]).intValue()))
                        .toList());
    }
}
