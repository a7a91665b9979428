package dev.mfa.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.enrollment.service.AssertionUseHousekeeping;
import dev.mfa.enrollment.support.Admins;
import dev.mfa.enrollment.support.Api;
import dev.mfa.enrollment.support.Db;
import dev.mfa.enrollment.support.Factors;
import dev.mfa.localstack.testing.TestClock;
import dev.mfa.localstack.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 finding 13 (CONTRACT §4): at enrollment-service an assertion authorises at most one change; its
 * {@code jti} is remembered until it expires, and a change that fails does not use it up.
 */
@QuarkusTest
class SingleUseAssertionIT {

    @Inject
    AssertionUseHousekeeping housekeeping;

    private static final String ORG = "totp-org"; // AuthenticatorAppIT's helpers enroll there
    private static final String RECOVERY_CODE = "/api/v1/me/mfa/recovery-code";

    @Test
    void anAssertionAuthorisesOneChangeOnly() {
        String user = "once-" + UUID.randomUUID();
        AuthenticatorAppIT.enroll(user);
        String reauth = Api.reauth(user, ORG);
        String assertion = Api.assertion(user, ORG);
        Api.user(user, ORG)
                .header("X-Reauth-Token", reauth)
                .header("X-MFA-Assertion", assertion)
                .post(RECOVERY_CODE)
                .then()
                .statusCode(201);
        // The same assertion a second time: a new second step is needed, as for a missing or invalid one.
        Api.problem(
                Api.user(user, ORG)
                        .header("X-Reauth-Token", reauth)
                        .header("X-MFA-Assertion", assertion)
                        .post(RECOVERY_CODE)
                        .then(),
                401,
                "mfa-assertion-invalid");
        Api.problem(
                Api.user(user, ORG)
                        .header("X-Reauth-Token", reauth)
                        .header("X-MFA-Assertion", assertion)
                        .post("/api/v1/me/mfa/authenticator-app")
                        .then(),
                401,
                "mfa-assertion-invalid");
        Api.user(user, ORG)
                .header("X-Reauth-Token", reauth)
                .header("X-MFA-Assertion", Api.assertion(user, ORG))
                .post(RECOVERY_CODE)
                .then()
                .statusCode(201);
    }

    @Test
    void aChangeThatFailsDoesNotUseUpTheAssertion() {
        String user = "once-fail-" + UUID.randomUUID();
        AuthenticatorAppIT.enroll(user);
        String reauth = Api.reauth(user, ORG);
        String assertion = Api.assertion(user, ORG);
        Api.problem(
                Api.user(user, ORG)
                        .header("X-Reauth-Token", reauth)
                        .header("X-MFA-Assertion", assertion)
                        .delete("/api/v1/me/mfa/factors/" + UUID.randomUUID())
                        .then(),
                404,
                "not-found");
        Api.user(user, ORG)
                .header("X-Reauth-Token", reauth)
                .header("X-MFA-Assertion", assertion)
                .post(RECOVERY_CODE)
                .then()
                .statusCode(201);
        assertThat(Db.count("select count(*) from assertion_use where user_id = ?", user))
                .isEqualTo(1L);
    }

    @Test
    void anAdminsAssertionAuthorisesOneResetOrPolicyChange() {
        String org = "once-adm-" + UUID.randomUUID();
        String admin = "adm-once-" + UUID.randomUUID();
        Factors.insert(admin, org);
        String first = "once-u1-" + UUID.randomUUID();
        String second = "once-u2-" + UUID.randomUUID();
        for (String user : List.of(first, second)) {
            Db.user(user, org, null, "OPTIONAL");
            Factors.insert(user, org);
        }
        String assertion = Api.assertion(admin, org);
        Admins.as(admin, org)
                .header(Admins.ASSERTION_HEADER, assertion)
                .post("/api/v1/orgs/" + org + "/users/" + first + "/mfa-reset")
                .then()
                .statusCode(204);
        Api.problem(
                Admins.as(admin, org)
                        .header(Admins.ASSERTION_HEADER, assertion)
                        .post("/api/v1/orgs/" + org + "/users/" + second + "/mfa-reset")
                        .then(),
                401,
                "step-up-required");
        assertThat(Factors.active(second)).isEqualTo(1);

        Instant deadline = TestClock.get().instant().plus(Duration.ofDays(10)).truncatedTo(ChronoUnit.SECONDS);
        Admins.as(admin, org)
                .body(policy(true, deadline))
                .put("/api/v1/orgs/" + org + "/mfa-policy")
                .then()
                .statusCode(200);
        Api.problem(
                Admins.as(admin, org)
                        .header(Admins.ASSERTION_HEADER, assertion)
                        .body(policy(false, null))
                        .put("/api/v1/orgs/" + org + "/mfa-policy")
                        .then(),
                401,
                "step-up-required");
        Admins.as(admin, org)
                .header(Admins.ASSERTION_HEADER, Api.assertion(admin, org))
                .body(policy(false, null))
                .put("/api/v1/orgs/" + org + "/mfa-policy")
                .then()
                .statusCode(200);
    }

    @Test
    void onlyAStepUpAssertionCounts() {
        String user = "once-purpose-" + UUID.randomUUID();
        AuthenticatorAppIT.enroll(user);
        String reauth = Api.reauth(user, ORG);
        // Signed with the assertion key, but without a jti, without amr, or living longer than an assertion does.
        for (String token : List.of(
                assertion(user).claim("jti", null).sign(),
                assertion(user).claim("amr", null).sign(),
                assertion(user).claim("amr", List.of()).sign())) {
            Api.problem(
                    Api.user(user, ORG)
                            .header("X-Reauth-Token", reauth)
                            .header("X-MFA-Assertion", token)
                            .post(RECOVERY_CODE)
                            .then(),
                    401,
                    "mfa-assertion-invalid");
        }
        long now = TestClock.get().instant().getEpochSecond();
        Api.problem(
                Api.user(user, ORG)
                        .header("X-Reauth-Token", reauth)
                        .header(
                                "X-MFA-Assertion",
                                assertion(user)
                                        .claim("iat", now)
                                        .claim("exp", now + 86_400)
                                        .sign())
                        .post(RECOVERY_CODE)
                        .then(),
                401,
                "mfa-assertion-invalid");
    }

    @Test
    void expiredUsesAreForgottenByHousekeeping() throws Throwable {
        String expired = "jti-expired-" + UUID.randomUUID();
        String live = "jti-live-" + UUID.randomUUID();
        Instant now = TestClock.get().instant();
        Db.update(
                "insert into assertion_use (jti, user_id, used_at, expires_at) values (?, 'u', ?, ?)",
                expired,
                java.sql.Timestamp.from(now.minusSeconds(700)),
                java.sql.Timestamp.from(now.minusSeconds(60)));
        Db.update(
                "insert into assertion_use (jti, user_id, used_at, expires_at) values (?, 'u', ?, ?)",
                live,
                java.sql.Timestamp.from(now.minusSeconds(60)),
                java.sql.Timestamp.from(now.plusSeconds(540)));
        int purged = VertxContextSupport.subscribeAndAwait(() -> housekeeping.purgeExpired());
        assertThat(purged).isGreaterThanOrEqualTo(1);
        assertThat(Db.count("select count(*) from assertion_use where jti = ?", expired))
                .isZero();
        assertThat(Db.count("select count(*) from assertion_use where jti = ?", live))
                .isEqualTo(1L);
    }

    private static TestTokens.Builder assertion(String user) {
        long now = TestClock.get().instant().getEpochSecond();
        return TestTokens.builder(user, ORG)
                .claim("iss", TestTokens.ASSERTION_ISSUER)
                .claim("aud", "mfa")
                .claim("amr", List.of("otp"))
                .claim("iat", now)
                .claim("exp", now + 600)
                .signedWith(TestTokens.ASSERTION_PRIVATE_KEY);
    }

    private static Map<String, Object> policy(boolean enabled, Instant deadline) {
        Map<String, Object> body = new HashMap<>();
        body.put("enabled", enabled);
        body.put("enforcementDeadline", deadline == null ? null : deadline.toString());
        body.put("allowedMethods", List.of("TOTP"));
        return body;
    }
}
