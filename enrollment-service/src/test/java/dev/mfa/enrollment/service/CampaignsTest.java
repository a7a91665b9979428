package dev.mfa.enrollment.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.core.events.EmailTemplates;
import dev.mfa.core.events.Events;
import dev.mfa.enrollment.domain.Campaigns;
import dev.mfa.enrollment.domain.Campaigns.Campaign;
import dev.mfa.enrollment.domain.OrgPolicy;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The rules of the deadline e-mails: which event opens a campaign, and the identities every replica derives alike. */
class CampaignsTest {

    private static final Instant DEADLINE = Instant.parse("2026-12-18T09:30:00.123456Z");

    private static OrgPolicy policy(boolean enabled, Instant deadline, boolean enforced) {
        OrgPolicy p = OrgPolicy.defaults("org-a", Instant.EPOCH);
        p.enabled = enabled;
        p.enforcementDeadline = deadline;
        p.enforced = enforced;
        return p;
    }

    private static Events.DeadlineApproaching approaching(int daysLeft) {
        return new Events.DeadlineApproaching("org-a", DEADLINE, daysLeft);
    }

    @Test
    void aReminderOfTheDeadlineThePolicyStillAnnouncesOpensACampaign() {
        Campaign c = Campaigns.reminder(policy(true, DEADLINE, false), approaching(14))
                .orElseThrow();
        assertThat(c.orgId()).isEqualTo("org-a");
        assertThat(c.template()).isEqualTo(EmailTemplates.DEADLINE_APPROACHING);
        assertThat(c.daysLeft()).isEqualTo(14);
        assertThat(c.params())
                .containsExactly(java.util.Map.entry("deadline", "2026-12-18"), java.util.Map.entry("daysLeft", "14"));
    }

    @Test
    void theDeadlineIsComparedToTheMillisecondLikeTheSwitch() {
        // The policy row keeps microseconds, the event may carry only milliseconds.
        Events.DeadlineApproaching event =
                new Events.DeadlineApproaching("org-a", Instant.parse("2026-12-18T09:30:00.123Z"), 7);
        assertThat(Campaigns.reminder(policy(true, DEADLINE, false), event)).isPresent();
    }

    @Test
    void noReminderWhenThePolicyNoLongerAnnouncesThatDeadline() {
        assertThat(Campaigns.reminder(null, approaching(14))).isEmpty();
        assertThat(Campaigns.reminder(policy(false, DEADLINE, false), approaching(14)))
                .as("MFA turned off")
                .isEmpty();
        assertThat(Campaigns.reminder(policy(true, DEADLINE.plusSeconds(86_400), false), approaching(14)))
                .as("deadline moved")
                .isEmpty();
        assertThat(Campaigns.reminder(policy(true, null, false), approaching(14)))
                .as("deadline removed")
                .isEmpty();
        assertThat(Campaigns.reminder(policy(true, DEADLINE, true), approaching(1)))
                .as("already enforced")
                .isEmpty();
        assertThat(Campaigns.reminder(policy(true, DEADLINE, false), approaching(0)))
                .as("no days left")
                .isEmpty();
    }

    @Test
    void identitiesAreDerivedFromOrgOccasionAndUser() {
        Campaign a = Campaigns.reminder(policy(true, DEADLINE, false), approaching(14))
                .orElseThrow();
        Campaign again = Campaigns.of("org-a", EmailTemplates.DEADLINE_APPROACHING, DEADLINE, 14);
        assertThat(again).isEqualTo(a);
        assertThat(again.requestId("u1")).isEqualTo(a.requestId("u1"));
        assertThat(a.requestId("u1")).isNotEqualTo(a.requestId("u2"));

        Campaign sevenDays = Campaigns.of("org-a", EmailTemplates.DEADLINE_APPROACHING, DEADLINE, 7);
        Campaign otherOrg = Campaigns.of("org-b", EmailTemplates.DEADLINE_APPROACHING, DEADLINE, 14);
        Campaign moved = Campaigns.of("org-a", EmailTemplates.DEADLINE_APPROACHING, DEADLINE.plusSeconds(60), 14);
        assertThat(java.util.List.of(sevenDays.campaignId(), otherOrg.campaignId(), moved.campaignId()))
                .doesNotContain(a.campaignId())
                .doesNotHaveDuplicates();
        assertThat(sevenDays.requestId("u1")).isNotEqualTo(a.requestId("u1"));
    }

    @Test
    void theRequiredCampaignIsTheDeadlineItself() {
        Campaign c = Campaigns.required(new Events.DeadlineReached("org-a", DEADLINE));
        assertThat(c.template()).isEqualTo(EmailTemplates.MFA_REQUIRED);
        assertThat(c.daysLeft()).isZero();
        assertThat(c.params()).containsOnlyKeys("deadline").containsEntry("deadline", "2026-12-18");
        assertThat(c.requestId("u1"))
                .isNotEqualTo(Campaigns.of("org-a", EmailTemplates.DEADLINE_APPROACHING, DEADLINE, 1)
                        .requestId("u1"));
    }
}
