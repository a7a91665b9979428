package dev.mfa.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.recovery.RecoveryCodes;
import dev.mfa.enrollment.support.Api;
import dev.mfa.enrollment.support.Bus;
import dev.mfa.enrollment.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** GET/DELETE factors and POST recovery-code: step-up, ownership, events. */
@QuarkusTest
class FactorsIT {

    private static final String ORG = "totp-org"; // AuthenticatorAppIT's helpers enroll there

    @jakarta.inject.Inject
    dev.mfa.core.recovery.RecoveryCodeHasher recoveryHasher;

    @Test
    void removingAFactorNeedsReauthAndAssertionAndTheLastOneTakesTheRecoveryCode() {
        String user = "fac-del-" + UUID.randomUUID();
        String factorId = AuthenticatorAppIT.enroll(user);
        String path = "/api/v1/me/mfa/factors/" + factorId;
        String reauth = Api.reauth(user, ORG);
        Api.problem(
                Api.user(user, ORG)
                        .header("X-MFA-Assertion", Api.assertion(user, ORG))
                        .delete(path)
                        .then(),
                401,
                "reauth-required");
        Api.problem(
                Api.user(user, ORG)
                        .header("X-Reauth-Token", reauth)
                        .delete(path)
                        .then(),
                401,
                "mfa-assertion-required");
        // Another user cannot remove it, even fully stepped up.
        String other = "fac-other-" + UUID.randomUUID();
        AuthenticatorAppIT.enroll(other);
        Api.problem(
                Api.user(other, ORG)
                        .header("X-Reauth-Token", Api.reauth(other, ORG))
                        .header("X-MFA-Assertion", Api.assertion(other, ORG))
                        .delete(path)
                        .then(),
                404,
                "not-found");
        Api.problem(
                Api.user(user, ORG)
                        .header("X-Reauth-Token", reauth)
                        .header("X-MFA-Assertion", Api.assertion(user, ORG))
                        .delete("/api/v1/me/mfa/factors/nope")
                        .then(),
                404,
                "not-found");
        Api.user(user, ORG).get("/api/v1/me/mfa/factors").then().body("$", hasSize(1));

        Api.user(user, ORG)
                .header("X-Reauth-Token", reauth)
                .header("X-MFA-Assertion", Api.assertion(user, ORG))
                .delete(path)
                .then()
                .statusCode(204);
        Api.user(user, ORG)
                .get("/api/v1/me/mfa")
                .then()
                .body("factors", hasSize(0))
                .body("recoveryCode.status", equalTo("NONE"));
        var removed = Bus.data(
                Bus.await(Topics.FACTORS, user, EventTypes.FACTOR_REMOVED, 1).get(0), Events.FactorRemoved.class);
        assertThat(removed.reason()).isEqualTo("user");
        assertThat(removed.factorId().toString()).isEqualTo(factorId);
        assertThat(Bus.data(
                                Bus.await(Topics.FACTORS, user, EventTypes.RECOVERY_CODE_REVOKED, 1)
                                        .get(0),
                                Events.RecoveryCodeRevoked.class)
                        .reason())
                .isEqualTo("user");
        Api.user(other, ORG).get("/api/v1/me/mfa/factors").then().body("$", hasSize(1));
    }

    @Test
    void aRequiredUserCannotRemoveTheOnlyFactor() {
        String user = "fac-req-" + UUID.randomUUID();
        String factorId = AuthenticatorAppIT.enroll(user);
        Db.user(user, ORG, "user", "REQUIRED");
        Api.problem(
                Api.user(user, ORG)
                        .header("X-Reauth-Token", Api.reauth(user, ORG))
                        .header("X-MFA-Assertion", Api.assertion(user, ORG))
                        .delete("/api/v1/me/mfa/factors/" + factorId)
                        .then(),
                409,
                "last-factor");
        Api.user(user, ORG).get("/api/v1/me/mfa/factors").then().body("$", hasSize(1));
    }

    @Test
    void aNewRecoveryCodeReplacesTheOldOneAtOnce() {
        String user = "fac-rc-" + UUID.randomUUID();
        AuthenticatorAppIT.enroll(user);
        var firstIssued = Bus.data(
                Bus.await(Topics.FACTORS, user, EventTypes.RECOVERY_CODE_ISSUED, 1)
                        .get(0),
                Events.RecoveryCodeIssued.class);
        String reauth = Api.reauth(user, ORG);
        Api.problem(
                Api.user(user, ORG)
                        .header("X-Reauth-Token", reauth)
                        .post("/api/v1/me/mfa/recovery-code")
                        .then(),
                401,
                "mfa-assertion-required");
        Api.problem(
                Api.user(user, ORG)
                        .header("X-MFA-Assertion", Api.assertion(user, ORG))
                        .post("/api/v1/me/mfa/recovery-code")
                        .then(),
                401,
                "reauth-required");

        String code = Api.user(user, ORG)
                .header("X-Reauth-Token", reauth)
                .header("X-MFA-Assertion", Api.assertion(user, ORG))
                .post("/api/v1/me/mfa/recovery-code")
                .then()
                .statusCode(201)
                .extract()
                .path("recoveryCode");
        assertThat(RecoveryCodes.normalize(code)).isPresent();
        var issued = Bus.await(Topics.FACTORS, user, EventTypes.RECOVERY_CODE_ISSUED, 2);
        var second = Bus.data(issued.get(1), Events.RecoveryCodeIssued.class);
        assertThat(recoveryHasher.matches(code, second.codeHash())).isTrue();
        assertThat(second.recoveryCodeId()).isNotEqualTo(firstIssued.recoveryCodeId());
        var revoked = Bus.data(
                Bus.await(Topics.FACTORS, user, EventTypes.RECOVERY_CODE_REVOKED, 1)
                        .get(0),
                Events.RecoveryCodeRevoked.class);
        assertThat(revoked.recoveryCodeId()).isEqualTo(firstIssued.recoveryCodeId());
        assertThat(revoked.reason()).isEqualTo("replaced");
        assertThat(Db.single("select code_hash from recovery_code where user_id = ?", user))
                .isEqualTo(second.codeHash());
        // The plain code is nowhere at rest.
        assertThat(Db.count("select count(*) from recovery_code where code_hash like ?", "%" + code + "%"))
                .isZero();
    }

    @Test
    void noFactorNoRecoveryCode() {
        String user = "fac-none-" + UUID.randomUUID();
        String reauth = Api.reauth(user, ORG);
        Api.problem(
                Api.user(user, ORG)
                        .header("X-Reauth-Token", reauth)
                        .post("/api/v1/me/mfa/recovery-code")
                        .then(),
                409,
                "no-factor");
        Api.user(user, ORG).get("/api/v1/me/mfa/factors").then().statusCode(200).body("$", hasSize(0));
        Api.user(user, ORG)
                .get("/api/v1/me/mfa")
                .then()
                .statusCode(200)
                .body("recoveryCode.status", equalTo("NONE"))
                .body("requirement", equalTo("NOT_REQUIRED"));
        io.restassured.RestAssured.given().get("/api/v1/me/mfa").then().statusCode(401);
        io.restassured.RestAssured.given().get("/api/v1/me/mfa/factors").then().statusCode(401);
        assertThat(Db.count("select count(*) from recovery_code where user_id = ?", user))
                .isZero();
    }
}
