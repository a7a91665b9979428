package dev.mfa.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.enrollment.support.Api;
import dev.mfa.enrollment.support.Bus;
import dev.mfa.enrollment.support.Db;
import dev.mfa.enrollment.support.Orgs;
import dev.mfa.localstack.testing.TestClock;
import dev.mfa.localstack.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** GET/PUT /orgs/{orgId}/mfa-policy: validation, versioned events, and every requirement it changes. */
@QuarkusTest
class PolicyIT {

    @AfterEach
    void resetClock() {
        TestClock.get().reset();
    }

    @Test
    void anUnconfiguredOrgHasMfaOffAndOnlyItsAdminSeesIt() {
        String org = "pol-new-" + UUID.randomUUID();
        Orgs.getPolicy(org)
                .statusCode(200)
                .body("orgId", equalTo(org))
                .body("enabled", equalTo(false))
                .body("state", equalTo("DISABLED"))
                .body("enforcementDeadline", nullValue())
                .body("allowedMethods", contains("TOTP", "SMS"));
        Api.problem(
                Api.user("plain", org)
                        .get("/api/v1/orgs/" + org + "/mfa-policy")
                        .then(),
                403,
                "org-admin-required");
        Api.problem(
                Api.as(TestTokens.orgAdmin("admin", "elsewhere"))
                        .get("/api/v1/orgs/" + org + "/mfa-policy")
                        .then(),
                404,
                "not-found");
        Api.problem(
                Api.as(TestTokens.orgAdmin("admin", "elsewhere"))
                        .body(Map.of("enabled", false))
                        .put("/api/v1/orgs/" + org + "/mfa-policy")
                        .then(),
                404,
                "not-found");
        Api.problem(
                Api.user("plain", org)
                        .body(Map.of("enabled", false))
                        .put("/api/v1/orgs/" + org + "/mfa-policy")
                        .then(),
                403,
                "org-admin-required");
        assertThat(Orgs.policyEvents(org)).isEmpty();
    }

    @Test
    void theLifeOfAPolicyAndTheRequirementsItSets() {
        String org = "pol-life-" + UUID.randomUUID();
        String alice = "alice-" + UUID.randomUUID();
        String bob = "bob-" + UUID.randomUUID();
        String payee = "payee-" + UUID.randomUUID();
        Orgs.join(alice, org, null);
        Orgs.join(bob, org, null);
        Orgs.join(payee, org, "payee");
        assertThat(Db.requirement(alice)).isEqualTo("NOT_REQUIRED");
        assertThat(Db.requirement(payee)).isEqualTo("REQUIRED");

        // On, with a deadline in 30 days: early enrollment, everyone but the payee becomes OPTIONAL.
        Instant deadline = TestClock.get().instant().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
        Orgs.putPolicy(org, true, deadline, null)
                .statusCode(200)
                .body("state", equalTo("EARLY_ENROLLMENT"))
                .body("enabled", equalTo(true))
                .body("enforcementDeadline", equalTo(deadline.toString()))
                .body("allowedMethods", contains("TOTP", "SMS"));
        assertThat(Db.requirement(alice)).isEqualTo("OPTIONAL");
        assertThat(Db.requirement(payee)).isEqualTo("REQUIRED");
        var enabled = Bus.await(Topics.USER_REQUIREMENTS, Orgs.requirementOf(org, "policy-enabled"), 2);
        assertThat(enabled)
                .extracting(e -> Bus.data(e, Events.UserRequirementChanged.class))
                .allSatisfy(d -> {
                    assertThat(d.requirement()).isEqualTo("OPTIONAL");
                    assertThat(d.previous()).isEqualTo("NOT_REQUIRED");
                })
                .extracting(Events.UserRequirementChanged::userId)
                .containsExactlyInAnyOrder(alice, bob);
        Api.user(alice, org)
                .get("/api/v1/me/mfa")
                .then()
                .body("requirement", equalTo("OPTIONAL"))
                .body("enforcementDeadline", equalTo(deadline.toString()))
                .body("daysUntilEnforcement", equalTo(30));

        // The same again: no change, no event.
        Orgs.putPolicy(org, true, deadline, List.of("SMS", "TOTP")).statusCode(200);
        // A new user of an org with MFA on is OPTIONAL at once.
        String carol = "carol-" + UUID.randomUUID();
        Orgs.join(carol, org, null);
        assertThat(Db.requirement(carol)).isEqualTo("OPTIONAL");
        var joined = Bus.data(
                Bus.await(Topics.USER_REQUIREMENTS, carol, "mfa.user-requirement.changed", 1)
                        .get(0),
                Events.UserRequirementChanged.class);
        assertThat(joined.reason()).isEqualTo("user-joined");

        // Deadline moved earlier but still ahead; methods narrowed: a policy event, no requirement change.
        Instant sooner = deadline.minus(Duration.ofDays(20));
        Orgs.putPolicy(org, true, sooner, List.of("TOTP")).statusCode(200).body("allowedMethods", contains("TOTP"));
        // Deadline now: enforced at once.
        Instant now = TestClock.get().instant();
        Orgs.putPolicy(org, true, now, null).statusCode(200).body("state", equalTo("ENFORCED"));
        assertThat(Db.requirement(alice)).isEqualTo("REQUIRED");
        assertThat(Db.requirement(carol)).isEqualTo("REQUIRED");
        Bus.await(Topics.USER_REQUIREMENTS, Orgs.requirementOf(org, "deadline-reached"), 3);
        // Moved later again: back to early enrollment.
        Orgs.putPolicy(org, true, deadline, null).statusCode(200).body("state", equalTo("EARLY_ENROLLMENT"));
        assertThat(Db.requirement(bob)).isEqualTo("OPTIONAL");
        Bus.await(Topics.USER_REQUIREMENTS, Orgs.requirementOf(org, "deadline-moved"), 3);
        // Off: NOT_REQUIRED, except the payee.
        Orgs.putPolicy(org, false, null, null)
                .statusCode(200)
                .body("state", equalTo("DISABLED"))
                .body("enforcementDeadline", nullValue());
        assertThat(Db.requirement(alice)).isEqualTo("NOT_REQUIRED");
        assertThat(Db.requirement(payee)).isEqualTo("REQUIRED");
        Bus.await(Topics.USER_REQUIREMENTS, Orgs.requirementOf(org, "policy-disabled"), 3);
        Api.user(alice, org)
                .get("/api/v1/me/mfa")
                .then()
                .body("requirement", equalTo("NOT_REQUIRED"))
                .body("enforcementDeadline", nullValue())
                .body("daysUntilEnforcement", nullValue());

        // Versions grow by one per change; the payee never got a policy-driven event.
        List<Events.OrgPolicyChanged> versions = awaitPolicyEvents(org, 5);
        assertThat(versions).extracting(Events.OrgPolicyChanged::version).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(versions)
                .extracting(Events.OrgPolicyChanged::state)
                .containsExactly("EARLY_ENROLLMENT", "EARLY_ENROLLMENT", "ENFORCED", "EARLY_ENROLLMENT", "DISABLED");
        // The payee only got one event, when joining as a Pay user; everyone else one per policy step.
        assertThat(Bus.events(Topics.USER_REQUIREMENTS, payee)).hasSize(1);
        assertThat(Bus.events(Topics.USER_REQUIREMENTS, Orgs.requirementOf(org)))
                .hasSize(1 + 2 + 1 + 3 + 3 + 3);
    }

    @Test
    void invalidChangesAre422NamingTheFieldAndChangeNothing() {
        String org = "pol-bad-" + UUID.randomUUID();
        Instant future = TestClock.get().instant().plus(Duration.ofDays(10));
        invalid(
                Orgs.putPolicy(org, true, TestClock.get().instant().minus(Duration.ofHours(1)), null),
                "deadline-in-past",
                "enforcementDeadline");
        invalid(Orgs.putPolicy(org, true, null, null), "invalid-policy", "enforcementDeadline");
        invalid(Orgs.putPolicy(org, null, future, null), "invalid-policy", "enabled");
        invalid(Orgs.putPolicy(org, true, future, List.of("TOTP", "EMAIL")), "invalid-policy", "allowedMethods");
        invalid(Orgs.putPolicy(org, true, future, List.of("totp")), "invalid-policy", "allowedMethods");
        invalid(Orgs.putPolicy(org, true, future, List.of()), "invalid-policy", "allowedMethods");
        invalid(
                Orgs.putPolicy(org, true, TestClock.get().instant().plus(Duration.ofDays(3650)), null),
                "deadline-too-far",
                "enforcementDeadline");
        var admin = Api.as(TestTokens.orgAdmin("admin", org));
        admin.body(Map.of("enabled", true, "enforcementDeadline", "next tuesday"))
                .put("/api/v1/orgs/" + org + "/mfa-policy")
                .then()
                .statusCode(400)
                .contentType(Api.PROBLEM_JSON);
        Api.as(TestTokens.orgAdmin("admin", org))
                .body(Map.of("enabled", "maybe"))
                .put("/api/v1/orgs/" + org + "/mfa-policy")
                .then()
                .statusCode(400)
                .contentType(Api.PROBLEM_JSON);
        Api.problem(
                Api.as(TestTokens.orgAdmin("admin", org))
                        .put("/api/v1/orgs/" + org + "/mfa-policy")
                        .then(),
                400,
                "invalid-request");
        Orgs.getPolicy(org).statusCode(200).body("state", equalTo("DISABLED"));
        assertThat(Db.count("select count(*) from org_policy where org_id = ? and version > 0", org))
                .isZero();
        assertThat(Orgs.policyEvents(org)).isEmpty();
    }

    private static void invalid(io.restassured.response.ValidatableResponse response, String slug, String field) {
        Api.problem(response, 422, slug).body("field", equalTo(field));
    }

    static List<Events.OrgPolicyChanged> awaitPolicyEvents(String org, int count) {
        Bus.await(Topics.ORG_POLICIES, e -> org.equals(e.subject()), count);
        return Orgs.policyEvents(org);
    }
}
