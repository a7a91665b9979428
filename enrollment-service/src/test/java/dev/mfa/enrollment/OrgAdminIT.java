package dev.mfa.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.enrollment.repository.ExemptionRepository;
import dev.mfa.enrollment.support.Admins;
import dev.mfa.enrollment.support.Api;
import dev.mfa.enrollment.support.Bus;
import dev.mfa.enrollment.support.Db;
import dev.mfa.enrollment.support.Factors;
import dev.mfa.enrollment.support.Orgs;
import dev.mfa.localstack.testing.OutboxHistory;
import dev.mfa.localstack.testing.TestClock;
import dev.mfa.localstack.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 18's org-admin features: availability, impact preview, exemptions and the audit trail (CONTRACT §3). */
@QuarkusTest
class OrgAdminIT {

    @AfterEach
    void resetClock() {
        TestClock.get().reset();
    }

    // ------------------------------------------------------------------------------------------ availability

    @Test
    void onlyAPlatformOperatorGrantsOrWithdrawsAndAnOrgCannotTurnMfaOnWithoutIt() {
        String org = "avail-" + UUID.randomUUID();
        String alice = "alice-" + org;
        String payee = "payee-" + org;
        Orgs.join(alice, org, null);
        Orgs.join(payee, org, "payee");
        Instant deadline = TestClock.get().instant().plus(Duration.ofDays(14)).truncatedTo(ChronoUnit.SECONDS);

        // Org admins and users cannot; another org's admin gets 404.
        Api.problem(availability(TestTokens.orgAdmin("admin", org), org, false), 403, "platform-operator-required");
        Api.problem(availability(TestTokens.orgAdmin("admin", "other-" + org), org, false), 404, "not-found");
        Api.problem(availability(operator(), org, null), 400, "invalid-request").body("field", equalTo("available"));

        availability(operator(), org, false)
                .statusCode(200)
                .body("orgId", equalTo(org))
                .body("available", equalTo(false))
                .body("updatedAt", notNullValue());
        Api.problem(Orgs.putPolicy(org, true, deadline, null), 409, "mfa-not-available");
        Api.problem(preview(org, true, deadline), 409, "mfa-not-available");
        Orgs.getPolicy(org).statusCode(200).body("state", equalTo("DISABLED"));
        assertThat(Orgs.policyEvents(org)).isEmpty();
        // Pay users need MFA regardless; everyone else stays as they were.
        assertThat(Db.requirement(payee)).isEqualTo("REQUIRED");
        assertThat(Db.requirement(alice)).isEqualTo("NOT_REQUIRED");

        availability(operator(), org, true).statusCode(200).body("available", equalTo(true));
        Orgs.putPolicy(org, true, deadline, null).statusCode(200).body("state", equalTo("EARLY_ENROLLMENT"));
        assertThat(Db.requirement(alice)).isEqualTo("OPTIONAL");

        // Withdrawn again: the running policy stays (and can still be turned off); it cannot be turned on anew.
        availability(operator(), org, false).statusCode(200);
        Orgs.putPolicy(org, true, deadline.minus(Duration.ofDays(1)), null).statusCode(200);
        Orgs.putPolicy(org, false, null, null).statusCode(200).body("state", equalTo("DISABLED"));
        Api.problem(Orgs.putPolicy(org, true, deadline, null), 409, "mfa-not-available");

        auditOf(org, "")
                .statusCode(200)
                .body(
                        "items.findAll { it.type == 'availability-changed' }.actorId",
                        contains("ops-1", "ops-1", "ops-1"))
                .body(
                        "items.findAll { it.type == 'availability-changed' }.detail.available",
                        contains(false, true, false));
    }

    // ------------------------------------------------------------------------------------------ preview

    @Test
    void thePreviewCountsWhatThePutWouldDoAndChangesNothing() throws Exception {
        String org = "prev-" + UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            Db.user(String.format("u%d-%s", i, org), org, null, "NOT_REQUIRED");
        }
        Db.user("payee-" + org, org, "payee", "REQUIRED");
        Factors.insert("u0-" + org, org);
        Factors.insert("payee-" + org, org);
        Instant deadline = TestClock.get().instant().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
        // u1 is exempt beyond the deadline, u2 only until before it.
        exemptRow("u1-" + org, org, deadline.plus(Duration.ofDays(5)));
        exemptRow("u2-" + org, org, deadline.minus(Duration.ofDays(5)));
        Db.keepOutboxHistory();
        long outbox = Db.count("select count(*) from " + OutboxHistory.TABLE);

        preview(org, true, deadline)
                .statusCode(200)
                .body("state", equalTo("EARLY_ENROLLMENT"))
                .body("requiredNow", equalTo(1))
                .body("requiredAtDeadline", equalTo(5))
                .body("withoutFactor", equalTo(3))
                .body("payees", equalTo(1))
                .body("exempt", equalTo(2))
                .body("withoutFactorSample", contains("u2-" + org, "u3-" + org, "u4-" + org));
        preview(org, true, TestClock.get().instant())
                .statusCode(200)
                .body("state", equalTo("ENFORCED"))
                .body("requiredNow", equalTo(4));
        preview(org, false, null)
                .statusCode(200)
                .body("state", equalTo("DISABLED"))
                .body("requiredNow", equalTo(1))
                .body("requiredAtDeadline", equalTo(1))
                .body("withoutFactor", equalTo(0))
                .body("withoutFactorSample", hasSize(0));

        // Bad input is the PUT's 422; another org 404; a plain user 403.
        Api.problem(preview(org, true, TestClock.get().instant().minus(Duration.ofDays(1))), 422, "deadline-in-past")
                .body("field", equalTo("enforcementDeadline"));
        Api.problem(
                Api.as(TestTokens.orgAdmin("a", "x-" + org))
                        .body(Map.of("enabled", false))
                        .post("/api/v1/orgs/" + org + "/mfa-policy/preview")
                        .then(),
                404,
                "not-found");
        Api.problem(
                Api.user("u0-" + org, org)
                        .body(Map.of("enabled", false))
                        .post("/api/v1/orgs/" + org + "/mfa-policy/preview")
                        .then(),
                403,
                "org-admin-required");

        // Nothing changed, nothing was announced or audited.
        assertThat(Db.count("select count(*) from org_policy where org_id = ? and version > 0", org))
                .isZero();
        assertThat(Db.count("select count(*) from org_user where org_id = ? and requirement = 'OPTIONAL'", org))
                .isZero();
        assertThat(Db.count("select count(*) from " + OutboxHistory.TABLE)).isEqualTo(outbox);
        assertThat(Db.count("select count(*) from audit_event where org_id = ?", org))
                .isZero();
    }

    // ------------------------------------------------------------------------------------------ exemptions

    @Test
    void anExemptUserStaysOptionalPastTheDeadlineThenSwitchesExactlyOnce() {
        String org = "exempt-" + UUID.randomUUID();
        String kim = "kim-" + org;
        String lee = "lee-" + org;
        Orgs.join(kim, org, null);
        Orgs.join(lee, org, null);
        Instant deadline = TestClock.get().instant().plus(Duration.ofDays(7)).truncatedTo(ChronoUnit.SECONDS);
        Orgs.putPolicy(org, true, deadline, null).statusCode(200);
        Instant until = TestClock.get().instant().plus(Duration.ofDays(20)).truncatedTo(ChronoUnit.SECONDS);

        exemption(org, kim, until, "On leave until the 20th")
                .statusCode(200)
                .body("userId", equalTo(kim))
                .body("until", equalTo(until.toString()))
                .body("reason", equalTo("On leave until the 20th"))
                .body("grantedBy", equalTo(Admins.adminId(org)));
        assertThat(Db.requirement(kim)).isEqualTo("OPTIONAL"); // early enrollment: granting changes nothing yet
        Api.user(kim, org).get("/api/v1/me/mfa").then().body("exemptUntil", equalTo(until.toString()));

        // The deadline passes: lee is switched, kim is skipped.
        TestClock.get().advance(Duration.ofDays(8));
        Orgs.awaitProcessed(Bus.publish(Topics.DEADLINES, new Events.DeadlineReached(org, deadline)));
        await().atMost(Duration.ofSeconds(30)).until(() -> "REQUIRED".equals(Db.requirement(lee)));
        Orgs.getPolicy(org).statusCode(200).body("state", equalTo("ENFORCED"));
        assertThat(Db.requirement(kim)).isEqualTo("OPTIONAL");
        // A roster update of the exempt user keeps the exemption in force.
        Orgs.join(kim, org, null);
        assertThat(Db.requirement(kim)).isEqualTo("OPTIONAL");

        // The exemption ends: the sweep switches kim once, with reason exemption-expired.
        TestClock.get().advance(Duration.ofDays(13));
        await().atMost(Duration.ofSeconds(30)).until(() -> "REQUIRED".equals(Db.requirement(kim)));
        List<CloudEvent> expired = Bus.await(Topics.USER_REQUIREMENTS, Orgs.requirementOf(org, "exemption-expired"), 1);
        Events.UserRequirementChanged d = Bus.data(expired.get(0), Events.UserRequirementChanged.class);
        assertThat(d.userId()).isEqualTo(kim);
        assertThat(d.previous()).isEqualTo("OPTIONAL");
        assertThat(d.requirement()).isEqualTo("REQUIRED");
        assertThat(Db.count("select count(*) from mfa_exemption where user_id = ?", kim))
                .isZero();
        // Later sweeps find nothing more to do.
        long sweeps = Db.count("select count(*) from audit_event where org_id = ? and type = 'exemption-expired'", org);
        assertThat(sweeps).isEqualTo(1);
        Api.user(kim, org).get("/api/v1/me/mfa").then().body("exemptUntil", nullValue());

        // Granted while enforced: OPTIONAL at once (exemption-granted); revoked: REQUIRED again (exemption-revoked).
        exemption(org, lee, TestClock.get().instant().plus(Duration.ofDays(3)), "New phone on its way")
                .statusCode(200);
        assertThat(Db.requirement(lee)).isEqualTo("OPTIONAL");
        Bus.await(Topics.USER_REQUIREMENTS, Orgs.requirementOf(org, "exemption-granted"), 1);
        Admins.as(Admins.adminId(org), org)
                .delete("/api/v1/orgs/" + org + "/users/" + lee + "/mfa-exemption")
                .then()
                .statusCode(204);
        assertThat(Db.requirement(lee)).isEqualTo("REQUIRED");
        Bus.await(Topics.USER_REQUIREMENTS, Orgs.requirementOf(org, "exemption-revoked"), 1);
        Admins.as(Admins.adminId(org), org)
                .delete("/api/v1/orgs/" + org + "/users/" + lee + "/mfa-exemption")
                .then()
                .statusCode(204);
        assertThat(Bus.events(Topics.USER_REQUIREMENTS, Orgs.requirementOf(org, "exemption-expired")))
                .hasSize(1);
        assertThat(Bus.events(Topics.USER_REQUIREMENTS, Orgs.requirementOf(org, "exemption-revoked")))
                .hasSize(1);
    }

    @Test
    void theExemptUserIsEmailedOnceAFewDaysBeforeTheExemptionEnds() {
        String org = "exmail-" + UUID.randomUUID();
        String kim = "kim-" + org;
        String far = "far-" + org;
        Orgs.join(kim, org, null);
        Orgs.join(far, org, null);
        Instant until = TestClock.get().instant().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
        exemption(org, kim, until, "Back on Monday").statusCode(200);
        exemption(org, far, TestClock.get().instant().plus(Duration.ofDays(30)), "Sabbatical")
                .statusCode(200);

        List<CloudEvent> mails = Bus.await(Topics.EMAIL_REQUESTS, kim, "mfa.email.requested", 1);
        Events.EmailRequested mail = Bus.data(mails.get(0), Events.EmailRequested.class);
        assertThat(mail.template()).isEqualTo("exemption-ending");
        // An ISO-8601 instant, as notification-service's templates take it (a display string was refused there).
        assertThat(mail.params()).containsEntry("until", until.toString());
        assertThat(mail.to()).startsWith("v1:").doesNotContain("@");
        // Later sweeps ask for nothing more; the exemption ending in 30 days gets nothing yet.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Db.count(
                                "select count(*) from mfa_exemption "
                                        + "where user_id = ? and ending_notice_at is not null",
                                kim)
                        == 1);
        Db.awaitOutboxDrained();
        assertThat(Bus.events(Topics.EMAIL_REQUESTS, kim)).hasSize(1);
        assertThat(Bus.events(Topics.EMAIL_REQUESTS, far)).isEmpty();
    }

    @Test
    void badExemptionsAre422AndChangeNothing() {
        String org = "exbad-" + UUID.randomUUID();
        String user = "u-" + org;
        Orgs.join(user, org, null);
        Orgs.join("payee-" + org, org, "payee");
        Instant soon = TestClock.get().instant().plus(Duration.ofDays(10));

        Api.problem(
                        exemption(org, user, TestClock.get().instant().minus(Duration.ofMinutes(1)), "late"),
                        422,
                        "exemption-in-past")
                .body("field", equalTo("until"));
        Api.problem(
                        exemption(org, user, TestClock.get().instant().plus(Duration.ofDays(91)), "long"),
                        422,
                        "exemption-too-long")
                .body("field", equalTo("until"));
        Api.problem(exemption(org, user, soon, "  "), 422, "invalid-exemption").body("field", equalTo("reason"));
        Api.problem(exemption(org, user, soon, null), 422, "invalid-exemption").body("field", equalTo("reason"));
        Api.problem(exemption(org, user, null, "why"), 422, "invalid-exemption").body("field", equalTo("until"));
        Api.problem(exemption(org, user, soon, "x".repeat(501)), 422, "invalid-exemption");
        Api.problem(exemption(org, "payee-" + org, soon, "please"), 422, "pay-user-not-exemptible");
        Api.problem(exemption(org, "nobody-" + org, soon, "who"), 404, "not-found");
        Api.problem(
                Admins.as("admin", "other-" + org)
                        .body(Map.of("until", soon.toString(), "reason", "r"))
                        .put("/api/v1/orgs/" + org + "/users/" + user + "/mfa-exemption")
                        .then(),
                404,
                "not-found");
        Api.problem(
                Api.user(user, org)
                        .body(Map.of("until", soon.toString(), "reason", "r"))
                        .put("/api/v1/orgs/" + org + "/users/" + user + "/mfa-exemption")
                        .then(),
                403,
                "org-admin-required");
        Admins.as(Admins.adminId(org), org)
                .body(Map.of("until", "soon", "reason", "r"))
                .put("/api/v1/orgs/" + org + "/users/" + user + "/mfa-exemption")
                .then()
                .statusCode(400)
                .contentType(Api.PROBLEM_JSON);
        Api.problem(
                Admins.as(Admins.adminId(org), org)
                        .delete("/api/v1/orgs/" + org + "/users/nobody/mfa-exemption")
                        .then(),
                404,
                "not-found");
        // Exactly 90 days is allowed.
        exemption(org, user, TestClock.get().instant().plus(Duration.ofDays(90)).minusSeconds(5), "the longest")
                .statusCode(200);

        assertThat(Db.count("select count(*) from mfa_exemption where org_id = ?", org))
                .isEqualTo(1);
        assertThat(Db.count("select count(*) from audit_event where org_id = ?", org))
                .isEqualTo(1);
        // A user who leaves the org takes the exemption along.
        Orgs.awaitProcessed(Bus.publish(Topics.IDENTITY_USERS, new Events.UserRemoved(user, org)));
        assertThat(Db.count("select count(*) from mfa_exemption where org_id = ?", org))
                .isZero();
    }

    @Test
    void twoSweepsAtOnceNeverClaimTheSameExemption() throws SQLException {
        String org = "sweep-" + UUID.randomUUID();
        // Ending in 60 days: the service's own sweep (real clock, tests move it at most 21 days) leaves them alone.
        Instant until = Instant.now().plus(Duration.ofDays(60));
        for (int i = 0; i < 10; i++) {
            Db.user("s" + i + "-" + org, org, null, "OPTIONAL");
            exemptRow("s" + i + "-" + org, org, until.plusSeconds(i));
        }
        String sql = ExemptionRepository.CLAIM_EXPIRED
                .replace(":now", "?")
                .replace(":limit", "?")
                .replace("where until", "where org_id = '" + org + "' and until");
        try (Connection a = Db.connect();
                Connection b = Db.connect()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            int first = claim(a, sql, 6);
            int second = claim(b, sql, 100); // skips the six rows a holds, takes the rest
            a.commit();
            b.commit();
            assertThat(first).isEqualTo(6);
            assertThat(second).isEqualTo(4);
        }
        assertThat(Db.count("select count(*) from mfa_exemption where org_id = ?", org))
                .isZero();
    }

    // ------------------------------------------------------------------------------------------ audit

    @Test
    void theAuditTrailListsEveryStepNewestFirstFilteredAndPaged() {
        String org = "audit-" + UUID.randomUUID();
        String ann = "ann-" + org;
        String ben = "ben-" + org;
        Orgs.join(ann, org, null);
        Orgs.join(ben, org, null);
        Instant deadline = TestClock.get().instant().plus(Duration.ofDays(14)).truncatedTo(ChronoUnit.SECONDS);
        Orgs.putPolicy(org, true, deadline, null).statusCode(200);
        exemption(org, ann, deadline.plus(Duration.ofDays(3)), "Travelling").statusCode(200);
        Factors.insert(ben, org);
        Admins.steppedUp(Admins.adminId(org), org)
                .post("/api/v1/orgs/" + org + "/users/" + ben + "/mfa-reset")
                .then()
                .statusCode(204);
        CloudEvent locked = Bus.publish(
                Topics.VERIFICATIONS,
                new Events.UserLocked(ben, org, 10, TestClock.get().instant()));
        Instant usedAt = TestClock.get().instant().plus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.MILLIS);
        CloudEvent used = Bus.publish(
                Topics.VERIFICATIONS,
                new Events.RecoveryCodeUsed(UUID.randomUUID(), ann, org, UUID.randomUUID(), usedAt));
        Orgs.awaitProcessed(locked);
        Orgs.awaitProcessed(used);
        // A redelivery records nothing twice (the next event of the same key is processed after it).
        Bus.send(Topics.VERIFICATIONS, locked);
        Orgs.awaitProcessed(Bus.publish(
                Topics.VERIFICATIONS,
                new Events.VerificationSucceeded(
                        UUID.randomUUID(),
                        ben,
                        org,
                        "SMS",
                        UUID.randomUUID(),
                        TestClock.get().instant())));

        String admin = Admins.adminId(org);
        auditOf(org, "")
                .statusCode(200)
                .body("total", equalTo(5))
                .body(
                        "items.type",
                        contains(
                                "recovery-code-used",
                                "user-locked",
                                "mfa-reset",
                                "exemption-granted",
                                "policy-changed"))
                .body("items.actorId", contains(ann, null, admin, admin, admin))
                .body("items.userId", contains(ann, ben, ben, ann, null))
                .body("items[3].detail.reason", equalTo("Travelling"))
                .body("items[4].detail.state", equalTo("EARLY_ENROLLMENT"))
                .body("items[0].at", notNullValue());
        auditOf(org, "?userId=" + ben)
                .statusCode(200)
                .body("total", equalTo(2))
                .body("items.type", contains("user-locked", "mfa-reset"));
        auditOf(org, "?size=2&page=1")
                .statusCode(200)
                .body("total", equalTo(5))
                .body("items.type", contains("mfa-reset", "exemption-granted"));
        auditOf(org, "?from=" + usedAt)
                .statusCode(200)
                .body("total", equalTo(1))
                .body("items[0].type", equalTo("recovery-code-used"));
        auditOf(org, "?to=" + usedAt).statusCode(200).body("total", equalTo(4));
        auditOf(org, "?to=" + TestClock.get().instant().minus(Duration.ofHours(1)))
                .statusCode(200)
                .body("total", equalTo(0));
        Api.problem(auditOf(org, "?from=yesterday"), 400, "invalid-request").body("field", equalTo("from"));
        Api.problem(auditOf(org, "?size=501"), 400, "invalid-request").body("field", equalTo("size"));
        Api.problem(Api.user(ann, org).get("/api/v1/orgs/" + org + "/mfa-audit").then(), 403, "org-admin-required");
        Api.problem(
                Admins.as("a", "other-" + org)
                        .get("/api/v1/orgs/" + org + "/mfa-audit")
                        .then(),
                404,
                "not-found");

        // A user removing their own factor is recorded with the user as actor (no number in the detail).
        UUID annFactor = Factors.insert(ann, org);
        Api.user(ann, org)
                .header("X-Reauth-Token", Api.reauth(ann, org))
                .header("X-MFA-Assertion", Api.assertion(ann, org))
                .delete("/api/v1/me/mfa/factors/" + annFactor)
                .then()
                .statusCode(204);
        String removed = "items.find { it.type == 'factor-removed' }";
        auditOf(org, "?userId=" + ann)
                .statusCode(200)
                .body("total", equalTo(3))
                .body(removed + ".actorId", equalTo(ann))
                .body(removed + ".detail.method", equalTo("SMS"))
                .body(removed + ".detail.reason", equalTo("user"));

        // Append-only: the database refuses to change or delete a row.
        assertThatThrownBy(() -> Db.update("update audit_event set type = 'x' where org_id = ?", org))
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> Db.update("delete from audit_event where org_id = ?", org))
                .hasMessageContaining("append-only");
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static String operator() {
        return TestTokens.builder("ops-1", null).groups("platform-operator").sign();
    }

    private static ValidatableResponse availability(String token, String org, Boolean available) {
        Map<String, Object> body = new HashMap<>();
        body.put("available", available);
        return Api.as(token)
                .body(body)
                .put("/api/v1/orgs/" + org + "/mfa-availability")
                .then();
    }

    private static ValidatableResponse preview(String org, boolean enabled, Instant deadline) {
        Map<String, Object> body = new HashMap<>();
        body.put("enabled", enabled);
        body.put("enforcementDeadline", deadline == null ? null : deadline.toString());
        return Admins.as(Admins.adminId(org), org)
                .body(body)
                .post("/api/v1/orgs/" + org + "/mfa-policy/preview")
                .then();
    }

    private static ValidatableResponse exemption(String org, String userId, Instant until, String reason) {
        Map<String, Object> body = new HashMap<>();
        body.put("until", until == null ? null : until.toString());
        body.put("reason", reason);
        return Admins.as(Admins.adminId(org), org)
                .body(body)
                .put("/api/v1/orgs/" + org + "/users/" + userId + "/mfa-exemption")
                .then();
    }

    private static ValidatableResponse auditOf(String org, String query) {
        return Admins.as(Admins.adminId(org), org)
                .get("/api/v1/orgs/" + org + "/mfa-audit" + query)
                .then();
    }

    private static void exemptRow(String userId, String org, Instant until) {
        Db.update(
                "insert into mfa_exemption (user_id, org_id, until, reason, granted_by, granted_at) "
                        + "values (?, ?, ?, 'test', 'admin', now())",
                userId,
                org,
                Timestamp.from(until));
    }

    private static int claim(Connection c, String sql, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(Instant.now().plus(Duration.ofDays(61))));
            ps.setInt(2, limit);
            int n = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    n++;
                }
            }
            return n;
        }
    }
}
