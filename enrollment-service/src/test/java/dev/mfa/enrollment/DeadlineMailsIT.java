package dev.mfa.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mfa.core.crypto.SealedField;
import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EmailTemplates;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.enrollment.domain.Campaigns;
import dev.mfa.enrollment.support.Admins;
import dev.mfa.enrollment.support.Bus;
import dev.mfa.enrollment.support.Db;
import dev.mfa.enrollment.support.Factors;
import dev.mfa.enrollment.support.Orgs;
import dev.mfa.localstack.testing.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Who is told what at the deadline, through the real broker: the reminder goes to the users without a factor only,
 * in several key ranges (the test profile's batch size is 50), once per occasion; a redelivery, or the same occasion
 * under another event id, asks for nothing new; "MFA is now required" after the switch; the admin reset's notice.
 */
@QuarkusTest
class DeadlineMailsIT {

    @jakarta.inject.Inject
    dev.mfa.core.crypto.FieldKeys keys;

    private static final int USERS = 120;

    private static String user(String org, int i) {
        return String.format("%s-u%03d", org, i);
    }

    /** USERS users; every fourth one (u000, u004, ...) has an active factor. */
    private static List<String> seed(String org) {
        IntStream.range(0, USERS).forEach(i -> Db.user(user(org, i), org, null, "OPTIONAL"));
        IntStream.range(0, USERS).filter(i -> i % 4 == 0).forEach(i -> Factors.insert(user(org, i), org));
        return IntStream.range(0, USERS)
                .filter(i -> i % 4 != 0)
                .mapToObj(i -> user(org, i))
                .toList();
    }

    private static Predicate<CloudEvent> mails(String org, String template, String daysLeft) {
        return e -> EventTypes.EMAIL_REQUESTED.equals(e.type())
                && e.subject().startsWith(org + "-u")
                && template.equals(e.data().path("template").asText())
                && (daysLeft == null
                        || daysLeft.equals(
                                e.data().path("params").path("daysLeft").asText()));
    }

    /** Once a later event of the org is processed, every earlier one is, fan-out included (one at a time). */
    private static void awaitQuiet(String org, Instant deadline) {
        CloudEvent marker = Bus.publish(Topics.DEADLINES, new Events.DeadlineApproaching(org, deadline, 0));
        Orgs.awaitProcessed(marker);
        Db.awaitOutboxDrained();
    }

    @Test
    void remindersGoOnlyToUsersWithoutAFactorOncePerOccasion() {
        String org = "rem-" + UUID.randomUUID();
        List<String> unenrolled = seed(org);
        Instant deadline = TestClock.get().instant().plus(Duration.ofDays(14)).truncatedTo(ChronoUnit.MILLIS);
        Orgs.putPolicy(org, true, deadline, null).statusCode(200);

        CloudEvent fourteen = Bus.publish(Topics.DEADLINES, new Events.DeadlineApproaching(org, deadline, 14));
        List<CloudEvent> sent = Bus.await(
                Topics.EMAIL_REQUESTS, mails(org, EmailTemplates.DEADLINE_APPROACHING, "14"), unenrolled.size());
        var campaign = Campaigns.of(org, EmailTemplates.DEADLINE_APPROACHING, deadline, 14);
        List<Events.EmailRequested> data =
                sent.stream().map(e -> Bus.data(e, Events.EmailRequested.class)).toList();
        assertThat(data).extracting(Events.EmailRequested::userId).containsExactlyInAnyOrderElementsOf(unenrolled);
        assertThat(data).allSatisfy(d -> {
            assertThat(d.requestId()).isEqualTo(campaign.requestId(d.userId()));
            assertThat(d.to()).startsWith("v1:").doesNotContain("@");
            assertThat(keys.open(SealedField.EMAIL, d.userId(), d.to())).isEqualTo(d.userId() + "@" + org + ".test");
            assertThat(d.params())
                    .containsEntry("daysLeft", "14")
                    .containsEntry(
                            "deadline",
                            deadline.atZone(java.time.ZoneOffset.UTC)
                                    .toLocalDate()
                                    .toString());
        });
        assertThat(sent).allSatisfy(e -> assertThat(e.source()).isEqualTo("/enrollment-service"));
        // Keyed by the user, like every mfa.email.requested.
        assertThat(Bus.records(Topics.EMAIL_REQUESTS).stream()
                        .filter(r -> r.key() != null && r.key().startsWith(org + "-u"))
                        .allMatch(
                                r -> r.key().equals(Bus.CODEC.decode(r.value()).subject())))
                .isTrue();

        // The same record again, and the same occasion under another event id (a second scheduler replica).
        Bus.send(Topics.DEADLINES, fourteen);
        Bus.publish(Topics.DEADLINES, new Events.DeadlineApproaching(org, deadline, 14));
        awaitQuiet(org, deadline);
        assertThat(Bus.events(Topics.EMAIL_REQUESTS, mails(org, EmailTemplates.DEADLINE_APPROACHING, null)))
                .hasSize(unenrolled.size());
        assertThat(Db.count("select count(*) from email_notice where campaign_id = ?", campaign.campaignId()))
                .isEqualTo(unenrolled.size());
        assertThat(Db.count(
                        "select count(*) from email_campaign where campaign_id = ? and done_at is not null",
                        campaign.campaignId()))
                .isEqualTo(1);

        // Seven days out: one more user enrolled in between and is left alone, and one exempt until after the
        // deadline is not told that MFA will be required then.
        Factors.insert(unenrolled.get(0), org);
        Db.update(
                "insert into mfa_exemption (user_id, org_id, until, reason, granted_by, granted_at) "
                        + "values (?, ?, ?, 'test', 'admin', now())",
                unenrolled.get(1),
                org,
                java.sql.Timestamp.from(deadline.plus(Duration.ofDays(5))));
        Bus.publish(Topics.DEADLINES, new Events.DeadlineApproaching(org, deadline, 7));
        List<CloudEvent> seven = Bus.await(
                Topics.EMAIL_REQUESTS, mails(org, EmailTemplates.DEADLINE_APPROACHING, "7"), unenrolled.size() - 2);
        // A reminder of a deadline the admin has since moved says nothing.
        Bus.publish(Topics.DEADLINES, new Events.DeadlineApproaching(org, deadline.plus(Duration.ofDays(3)), 1));
        awaitQuiet(org, deadline);
        assertThat(Bus.events(Topics.EMAIL_REQUESTS, mails(org, EmailTemplates.DEADLINE_APPROACHING, "7")))
                .hasSize(unenrolled.size() - 2)
                .extracting(CloudEvent::subject)
                .doesNotContain(unenrolled.get(0), unenrolled.get(1))
                .doesNotHaveDuplicates();
        assertThat(seven).isNotEmpty();
        assertThat(Bus.events(Topics.EMAIL_REQUESTS, mails(org, EmailTemplates.DEADLINE_APPROACHING, "1")))
                .isEmpty();
    }

    @Test
    void atTheDeadlineTheUsersStillWithoutAFactorAreToldMfaIsNowRequired() {
        String org = "req-" + UUID.randomUUID();
        List<String> unenrolled = seed(org);
        Instant deadline = TestClock.get().instant().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MILLIS);
        Orgs.putPolicy(org, true, deadline, null).statusCode(200);

        CloudEvent reached = Bus.publish(Topics.DEADLINES, new Events.DeadlineReached(org, deadline));
        List<CloudEvent> sent =
                Bus.await(Topics.EMAIL_REQUESTS, mails(org, EmailTemplates.MFA_REQUIRED, null), unenrolled.size());
        assertThat(sent).extracting(CloudEvent::subject).containsExactlyInAnyOrderElementsOf(unenrolled);
        assertThat(sent)
                .extracting(e -> Bus.data(e, Events.EmailRequested.class).params())
                .allSatisfy(p -> assertThat(p).containsOnlyKeys("deadline"));
        assertThat(unenrolled).allSatisfy(u -> assertThat(Db.requirement(u)).isEqualTo("REQUIRED"));

        Bus.send(Topics.DEADLINES, reached);
        awaitQuiet(org, deadline);
        assertThat(Bus.events(Topics.EMAIL_REQUESTS, mails(org, EmailTemplates.MFA_REQUIRED, null)))
                .hasSize(unenrolled.size());
        // Nobody was reminded: the deadline events alone decide who is told what.
        assertThat(Bus.events(Topics.EMAIL_REQUESTS, mails(org, EmailTemplates.DEADLINE_APPROACHING, null)))
                .isEmpty();
    }

    @Test
    void aFanOutCutShortIsFinishedByTheJobWithoutEmailingTheClaimedUsersAgain() {
        String org = "cut-" + UUID.randomUUID();
        List<String> unenrolled = seed(org);
        Instant deadline = TestClock.get().instant().plus(Duration.ofDays(7)).truncatedTo(ChronoUnit.MILLIS);
        Orgs.putPolicy(org, true, deadline, null).statusCode(200);
        // As a crash leaves it: the campaign opened long enough ago, its first ten users claimed (and e-mailed). One
        // statement: the job may take the campaign up as soon as it is visible, and must find its claims with it.
        var campaign = Campaigns.of(org, EmailTemplates.DEADLINE_APPROACHING, deadline, 7);
        List<String> claimed = unenrolled.subList(0, 10);
        Db.update(
                "with c as (insert into email_campaign (campaign_id, org_id, template, deadline, days_left, created_at) "
                        + "values (?, ?, ?, ?, 7, ?) returning campaign_id) "
                        + "insert into email_notice (campaign_id, user_id) select c.campaign_id, u "
                        + "from c, unnest(?::varchar[]) u",
                campaign.campaignId(),
                org,
                campaign.template(),
                java.sql.Timestamp.from(deadline),
                java.sql.Timestamp.from(TestClock.get().instant().minus(Duration.ofMinutes(10))),
                claimed.toArray(String[]::new));

        await().atMost(Duration.ofSeconds(120))
                .until(() -> Db.count(
                                "select count(*) from email_campaign where campaign_id = ? and done_at is not null",
                                campaign.campaignId())
                        == 1);
        Db.awaitOutboxDrained();
        List<CloudEvent> sent = Bus.events(Topics.EMAIL_REQUESTS, mails(org, EmailTemplates.DEADLINE_APPROACHING, "7"));
        assertThat(sent)
                .extracting(CloudEvent::subject)
                .containsExactlyInAnyOrderElementsOf(unenrolled.subList(10, unenrolled.size()));
    }

    @Test
    void anAdminResetTellsTheUserOnce() {
        String org = "totp-org"; // AuthenticatorAppIT enrolls there
        String user = "reset-mail-" + UUID.randomUUID();
        Db.user(user, org, null, "OPTIONAL");
        String factorId = AuthenticatorAppIT.enroll(user);
        String path = "/api/v1/orgs/" + org + "/users/" + user + "/mfa-reset";

        Admins.steppedUp("admin", org).post(path).then().statusCode(204);
        List<CloudEvent> notices = Bus.await(
                Topics.EMAIL_REQUESTS,
                e -> user.equals(e.subject())
                        && EmailTemplates.ADMIN_RESET.equals(
                                e.data().path("template").asText()),
                1);
        Events.EmailRequested data = Bus.data(notices.get(0), Events.EmailRequested.class);
        assertThat(keys.open(SealedField.EMAIL, data.userId(), data.to())).isEqualTo(user + "@" + org + ".test");
        assertThat(data.params()).isEmpty();
        assertThat(data.requestId())
                .isEqualTo(UUID.nameUUIDFromBytes(
                        ("admin-reset|" + org + "|" + user + "|" + factorId).getBytes(StandardCharsets.UTF_8)));

        // A second reset finds nothing to remove: no second notice (it would be in the same commit as the 204).
        Admins.steppedUp("admin", org).post(path).then().statusCode(204);
        Db.awaitOutboxDrained();
        assertThat(Bus.events(
                        Topics.EMAIL_REQUESTS,
                        e -> user.equals(e.subject())
                                && EmailTemplates.ADMIN_RESET.equals(
                                        e.data().path("template").asText())))
                .hasSize(1);
    }
}
