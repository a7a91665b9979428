package dev.mfa.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.enrollment.support.Bus;
import dev.mfa.enrollment.support.Db;
import dev.mfa.enrollment.support.Orgs;
import dev.mfa.localstack.testing.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The enforcement switch on mfa.deadline.reached, through the real broker: set-based in several batches (the test
 * profile's batch size is small), exactly one event per changed user, nothing on a duplicate, stale deadlines
 * ignored, Pay users untouched.
 */
@QuarkusTest
class EnforcementIT {

    static final int USERS = 230;
    static final int PAY_USERS = 7;

    @Test
    void deadlineReachedSwitchesEveryOptionalUserOnceAndADuplicateDoesNothing() {
        String org = "enf-" + UUID.randomUUID();
        seed(org);
        Instant deadline = TestClock.get().instant().plus(Duration.ofDays(7)).truncatedTo(ChronoUnit.MILLIS);
        Orgs.putPolicy(org, true, deadline, null).statusCode(200);
        Bus.await(Topics.USER_REQUIREMENTS, Orgs.requirementOf(org, "policy-enabled"), USERS - PAY_USERS);
        // The scheduler's event, at the deadline.
        CloudEvent reached = Bus.publish(Topics.DEADLINES, new Events.DeadlineReached(org, deadline));

        List<CloudEvent> switched =
                Bus.await(Topics.USER_REQUIREMENTS, Orgs.requirementOf(org, "deadline-reached"), USERS - PAY_USERS);
        assertThat(switched).hasSize(USERS - PAY_USERS);
        assertThat(switched)
                .extracting(e -> Bus.data(e, Events.UserRequirementChanged.class))
                .allSatisfy(d -> {
                    assertThat(d.requirement()).isEqualTo("REQUIRED");
                    assertThat(d.previous()).isEqualTo("OPTIONAL");
                    assertThat(d.orgId()).isEqualTo(org);
                })
                .extracting(Events.UserRequirementChanged::userId)
                .doesNotHaveDuplicates()
                .noneMatch(u -> u.startsWith("pay"));
        assertThat(switched).allSatisfy(e -> {
            assertThat(e.source()).isEqualTo("/enrollment-service");
            assertThat(e.type()).isEqualTo("mfa.user-requirement.changed");
            assertThat(e.subject()).isEqualTo(e.data().path("userId").asText());
            assertThat(e.time()).isNotNull();
        });
        assertThat(Db.count("select count(*) from org_user where org_id = ? and requirement = 'REQUIRED'", org))
                .isEqualTo(USERS);
        Orgs.getPolicy(org).body("state", equalTo("ENFORCED"));
        var policy = PolicyIT.awaitPolicyEvents(org, 2);
        assertThat(policy.get(1).state()).isEqualTo("ENFORCED");
        assertThat(policy.get(1).version()).isEqualTo(2);
        // The record key of a requirement event is the user id.
        assertThat(Bus.records(Topics.USER_REQUIREMENTS).stream()
                        .filter(r -> Bus.CODEC
                                .decode(r.value())
                                .data()
                                .path("orgId")
                                .asText()
                                .equals(org))
                        .allMatch(
                                r -> r.key().equals(Bus.CODEC.decode(r.value()).subject())))
                .isTrue();

        // The same record again, then a marker behind it on the same partition: once the marker is processed, so
        // is the duplicate.
        Bus.send(Topics.DEADLINES, reached);
        CloudEvent marker = Bus.publish(Topics.DEADLINES, new Events.DeadlineApproaching(org, deadline, 0));
        Orgs.awaitProcessed(marker);
        Db.awaitOutboxDrained();
        assertThat(Bus.events(Topics.USER_REQUIREMENTS, Orgs.requirementOf(org)))
                .hasSize(2 * (USERS - PAY_USERS));
        assertThat(Orgs.policyEvents(org)).hasSize(2);
        assertThat(Db.count("select version from org_policy where org_id = ?", org))
                .isEqualTo(2);
    }

    @Test
    void aDeadlineThatNoLongerMatchesThePolicyIsIgnored() {
        String org = "enf-moved-" + UUID.randomUUID();
        String user = "enf-moved-user-" + UUID.randomUUID();
        Db.user(user, org, null, "NOT_REQUIRED");
        Instant first = TestClock.get().instant().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.MILLIS);
        Orgs.putPolicy(org, true, first, null).statusCode(200);
        Orgs.putPolicy(org, true, first.plus(Duration.ofDays(7)), null).statusCode(200);
        Orgs.awaitProcessed(Bus.publish(Topics.DEADLINES, new Events.DeadlineReached(org, first)));
        Orgs.getPolicy(org).body("state", equalTo("EARLY_ENROLLMENT"));
        assertThat(Db.requirement(user)).isEqualTo("OPTIONAL");

        String off = "enf-off-" + UUID.randomUUID();
        Orgs.putPolicy(off, true, first, null).statusCode(200);
        Orgs.putPolicy(off, false, null, null).statusCode(200);
        Orgs.awaitProcessed(Bus.publish(Topics.DEADLINES, new Events.DeadlineReached(off, first)));
        Orgs.getPolicy(off).body("state", equalTo("DISABLED"));
        Db.awaitOutboxDrained();
        assertThat(Orgs.policyEvents(org)).hasSize(2);
        assertThat(Orgs.policyEvents(off)).hasSize(2);
    }

    @Test
    void anUnreadableDeadlineRecordGoesToTheDeadLetterTopic() {
        String key = "enf-dlq-" + UUID.randomUUID();
        Bus.sendRaw(Topics.DEADLINES, key, "this is not a cloud event");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> Bus.records(Topics.dlq(Topics.DEADLINES)).stream().anyMatch(r -> key.equals(r.key())));
        // The consumer goes on.
        String org = "enf-after-dlq-" + UUID.randomUUID();
        Orgs.awaitProcessed(Bus.publish(Topics.DEADLINES, new Events.DeadlineApproaching(org, Instant.now(), 3)));
    }

    private static void seed(String org) {
        for (int i = 0; i < USERS; i++) {
            boolean pay = i < PAY_USERS;
            Db.user(
                    (pay ? "pay-" : "u-") + String.format("%04d-", i) + org,
                    org,
                    pay ? "user" : null,
                    pay ? "REQUIRED" : "NOT_REQUIRED");
        }
    }
}
