package dev.mfa.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.mfa.enrollment.support.Admins;
import dev.mfa.enrollment.support.Api;
import dev.mfa.enrollment.support.Db;
import dev.mfa.enrollment.support.Factors;
import dev.mfa.localstack.testing.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 finding 5 (CONTRACT §3): a policy change that lowers protection and an MFA reset need the admin's own
 * {@code X-MFA-Assertion} (401 {@code step-up-required}); an admin with no factor must enroll first (409).
 */
@QuarkusTest
class AdminStepUpIT {

    private static Map<String, Object> policy(boolean enabled, Instant deadline, List<String> methods) {
        Map<String, Object> body = new HashMap<>();
        body.put("enabled", enabled);
        body.put("enforcementDeadline", deadline == null ? null : deadline.toString());
        body.put("allowedMethods", methods);
        return body;
    }

    private static io.restassured.response.ValidatableResponse put(
            RequestSpecification as, String org, Map<String, Object> body) {
        return as.body(body).put("/api/v1/orgs/" + org + "/mfa-policy").then();
    }

    @Test
    void changesThatLowerProtectionNeedTheAdminsAssertion() {
        String org = "stepup-" + UUID.randomUUID();
        String admin = "adm-" + UUID.randomUUID();
        Factors.insert(admin, org);
        Instant deadline = TestClock.get().instant().plus(Duration.ofDays(10)).truncatedTo(ChronoUnit.SECONDS);
        List<String> totp = List.of("TOTP");
        // Raising protection needs no step-up: enabling, an earlier deadline, fewer methods.
        put(Admins.as(admin, org), org, policy(true, deadline, List.of("TOTP", "SMS")))
                .statusCode(200);
        put(Admins.as(admin, org), org, policy(true, deadline.minus(Duration.ofDays(1)), List.of("TOTP", "SMS")))
                .statusCode(200);
        put(Admins.as(admin, org), org, policy(true, deadline.minus(Duration.ofDays(1)), totp))
                .statusCode(200);
        // Lowering it does: a later deadline, a method added, disabling.
        Api.problem(put(Admins.as(admin, org), org, policy(true, deadline, totp)), 401, "step-up-required");
        Api.problem(
                put(
                        Admins.as(admin, org),
                        org,
                        policy(true, deadline.minus(Duration.ofDays(1)), List.of("TOTP", "SMS"))),
                401,
                "step-up-required");
        Api.problem(put(Admins.as(admin, org), org, policy(false, null, totp)), 401, "step-up-required");
        Api.problem(
                put(
                        Admins.as(admin, org).header(Admins.ASSERTION_HEADER, "not-an-assertion"),
                        org,
                        policy(false, null, totp)),
                401,
                "step-up-required");
        put(Admins.as(admin, org), org, policy(true, deadline.minus(Duration.ofDays(1)), totp))
                .statusCode(200)
                .body("state", equalTo("EARLY_ENROLLMENT"));
        put(
                        Admins.as(admin, org).header(Admins.ASSERTION_HEADER, Api.assertion(admin, org)),
                        org,
                        policy(false, null, totp))
                .statusCode(200)
                .body("state", equalTo("DISABLED"));
    }

    @Test
    void anAdminWithoutAFactorIsToldToEnrollFirst() {
        String org = "stepup-nf-" + UUID.randomUUID();
        String admin = "adm-nf-" + UUID.randomUUID();
        Instant deadline = TestClock.get().instant().plus(Duration.ofDays(10));
        put(Admins.as(admin, org), org, policy(true, deadline, List.of("TOTP"))).statusCode(200);
        Api.problem(
                put(
                        Admins.as(admin, org).header(Admins.ASSERTION_HEADER, Api.assertion(admin, org)),
                        org,
                        policy(false, null, List.of("TOTP"))),
                409,
                "enrollment-required");
        String user = "stepup-user-" + UUID.randomUUID();
        Db.user(user, org, null, "OPTIONAL");
        Factors.insert(user, org);
        Api.problem(
                Admins.as(admin, org)
                        .post("/api/v1/orgs/" + org + "/users/" + user + "/mfa-reset")
                        .then(),
                409,
                "enrollment-required");
        assertThat(Factors.active(user)).isEqualTo(1);
    }

    @Test
    void anMfaResetNeedsTheAdminsAssertion() {
        String org = "stepup-reset-" + UUID.randomUUID();
        String admin = "adm-r-" + UUID.randomUUID();
        Factors.insert(admin, org);
        String user = "stepup-user-" + UUID.randomUUID();
        Db.user(user, org, null, "OPTIONAL");
        Factors.insert(user, org);
        String reset = "/api/v1/orgs/" + org + "/users/" + user + "/mfa-reset";
        Api.problem(Admins.as(admin, org).post(reset).then(), 401, "step-up-required");
        // The user's own assertion is not the admin's.
        Api.problem(
                Admins.as(admin, org)
                        .header(Admins.ASSERTION_HEADER, Api.assertion(user, org))
                        .post(reset)
                        .then(),
                401,
                "step-up-required");
        assertThat(Factors.active(user)).isEqualTo(1);
        Admins.as(admin, org)
                .header(Admins.ASSERTION_HEADER, Api.assertion(admin, org))
                .post(reset)
                .then()
                .statusCode(204);
        assertThat(Factors.active(user)).isZero();
    }
}
