package dev.mfa.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.enrollment.support.Admins;
import dev.mfa.enrollment.support.Api;
import dev.mfa.enrollment.support.Db;
import dev.mfa.enrollment.support.Factors;
import dev.mfa.localstack.testing.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 finding 11: whether a second factor needs step-up is decided when the factor is added (at confirm), and
 * the org's allowed methods are checked again there.
 */
@QuarkusTest
class StepUpAtConfirmIT {

    private static final String START = "/api/v1/me/mfa/authenticator-app";

    @Test
    void aFactorAddedWhileTheEnrollmentWasPendingMakesConfirmNeedAnAssertion() {
        String org = "confirm-org";
        String user = "cf-" + UUID.randomUUID();
        Db.user(user, org, null, "OPTIONAL");
        var started = Api.user(user, org)
                .header("X-Reauth-Token", Api.reauth(user, org))
                .post(START)
                .then()
                .statusCode(201)
                .extract();
        String confirm = "/api/v1/me/mfa/enrollments/" + started.path("enrollmentId") + "/confirm";
        Factors.insert(user, org); // enrolled meanwhile (another session)
        String code = AuthenticatorAppIT.currentCode(started.path("secret"));
        Api.problem(Api.user(user, org).body(Map.of("code", code)).post(confirm).then(), 401, "mfa-assertion-required");
        assertThat(Factors.active(user)).isEqualTo(1);
        Api.user(user, org)
                .header("X-MFA-Assertion", Api.assertion(user, org))
                .body(Map.of("code", code))
                .post(confirm)
                .then()
                .statusCode(200);
        assertThat(Factors.active(user)).isEqualTo(2);
    }

    @Test
    void aMethodTheOrgStoppedAllowingCannotBeConfirmed() {
        String org = "confirm-methods-" + UUID.randomUUID();
        String user = "cfm-" + UUID.randomUUID();
        Db.user(user, org, null, "OPTIONAL");
        var started = Api.user(user, org)
                .header("X-Reauth-Token", Api.reauth(user, org))
                .post(START)
                .then()
                .statusCode(201)
                .extract();
        Map<String, Object> smsOnly = new HashMap<>();
        smsOnly.put("enabled", true);
        smsOnly.put(
                "enforcementDeadline",
                TestClock.get().instant().plus(Duration.ofDays(30)).toString());
        smsOnly.put("allowedMethods", List.of("SMS"));
        Admins.as(Admins.adminId(org), org)
                .body(smsOnly)
                .put("/api/v1/orgs/" + org + "/mfa-policy")
                .then()
                .statusCode(200);
        Api.problem(
                Api.user(user, org)
                        .body(Map.of("code", AuthenticatorAppIT.currentCode(started.path("secret"))))
                        .post("/api/v1/me/mfa/enrollments/" + started.path("enrollmentId") + "/confirm")
                        .then(),
                422,
                "method-not-allowed");
        assertThat(Factors.active(user)).isZero();
    }
}
