package dev.mfa.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.enrollment.support.Admins;
import dev.mfa.enrollment.support.Api;
import dev.mfa.enrollment.support.Bus;
import dev.mfa.enrollment.support.Db;
import dev.mfa.localstack.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** GET /orgs/{orgId}/mfa-report and POST /orgs/{orgId}/users/{userId}/mfa-reset. */
@QuarkusTest
class AdminIT {

    private static final String TOTP_ORG = "totp-org";

    @Test
    void theReportCountsWhoEnrolledWithWhichMethodsPageByPage() {
        String org = "rep-" + UUID.randomUUID();
        for (int i = 0; i < 7; i++) {
            Db.user(String.format("u%02d-%s", i, org), org, null, "OPTIONAL");
        }
        factor(String.format("u%02d-%s", 0, org), org, "TOTP");
        factor(String.format("u%02d-%s", 0, org), org, "SMS");
        factor(String.format("u%02d-%s", 3, org), org, "SMS");
        factor(String.format("u%02d-%s", 5, org), org, "TOTP");
        Db.user("elsewhere-" + org, "other-" + org, null, "OPTIONAL");
        String token = TestTokens.orgAdmin("admin", org);

        Api.as(token)
                .get("/api/v1/orgs/" + org + "/mfa-report?page=0&size=3")
                .then()
                .statusCode(200)
                .body("total", equalTo(7))
                .body("enrolled", equalTo(3))
                .body("notEnrolled", equalTo(4))
                .body("byMethod.TOTP", equalTo(2))
                .body("byMethod.SMS", equalTo(2))
                .body("users", hasSize(3))
                .body("users[0].userId", equalTo("u00-" + org))
                .body("users[0].enrolled", equalTo(true))
                .body("users[0].methods", contains("SMS", "TOTP"))
                .body("users[0].requirement", equalTo("OPTIONAL"))
                .body("users[1].enrolled", equalTo(false))
                .body("users[1].methods", empty());
        Api.as(token)
                .get("/api/v1/orgs/" + org + "/mfa-report?page=2&size=3")
                .then()
                .statusCode(200)
                .body("users", hasSize(1))
                .body("users[0].userId", equalTo("u06-" + org));
        Api.as(token)
                .get("/api/v1/orgs/" + org + "/mfa-report")
                .then()
                .statusCode(200)
                .body("users", hasSize(7));
        Api.problem(
                        Api.as(token)
                                .get("/api/v1/orgs/" + org + "/mfa-report?size=0")
                                .then(),
                        400,
                        "invalid-request")
                .body("field", equalTo("size"));
        Api.problem(
                        Api.as(token)
                                .get("/api/v1/orgs/" + org + "/mfa-report?page=-1")
                                .then(),
                        400,
                        "invalid-request")
                .body("field", equalTo("page"));
        Api.problem(
                Api.as(token)
                        .get("/api/v1/orgs/" + org + "/mfa-report?size=abc")
                        .then(),
                400,
                "invalid-request");
        Api.problem(
                Api.as(TestTokens.orgAdmin("admin", "other-" + org))
                        .get("/api/v1/orgs/" + org + "/mfa-report")
                        .then(),
                404,
                "not-found");
        Api.problem(
                Api.user("u00-" + org, org)
                        .get("/api/v1/orgs/" + org + "/mfa-report")
                        .then(),
                403,
                "org-admin-required");
    }

    @Test
    void anAdminResetRemovesFactorsAndRecoveryCodeWithReasonAdminReset() {
        String user = "reset-" + UUID.randomUUID();
        Db.user(user, TOTP_ORG, null, "OPTIONAL");
        String factorId = AuthenticatorAppIT.enroll(user);
        String path = "/api/v1/orgs/" + TOTP_ORG + "/users/" + user + "/mfa-reset";

        Api.problem(
                Admins.steppedUp("admin", "another-org")
                        .post("/api/v1/orgs/another-org/users/" + user + "/mfa-reset")
                        .then(),
                404,
                "not-found");
        Api.problem(Admins.steppedUp("admin", "another-org").post(path).then(), 404, "not-found");
        Api.problem(Api.user("someone", TOTP_ORG).post(path).then(), 403, "org-admin-required");
        Api.problem(
                Admins.steppedUp("admin", TOTP_ORG)
                        .post("/api/v1/orgs/" + TOTP_ORG + "/users/no-such-user-" + UUID.randomUUID() + "/mfa-reset")
                        .then(),
                404,
                "not-found");
        Api.user(user, TOTP_ORG).get("/api/v1/me/mfa/factors").then().body("$", hasSize(1));

        Admins.steppedUp("admin", TOTP_ORG).post(path).then().statusCode(204);
        Api.user(user, TOTP_ORG)
                .get("/api/v1/me/mfa")
                .then()
                .body("factors", hasSize(0))
                .body("recoveryCode.status", equalTo("NONE"));
        var removed = Bus.data(
                Bus.await(Topics.FACTORS, user, EventTypes.FACTOR_REMOVED, 1).get(0), Events.FactorRemoved.class);
        assertThat(removed.reason()).isEqualTo("admin-reset");
        assertThat(removed.factorId().toString()).isEqualTo(factorId);
        assertThat(Bus.data(
                                Bus.await(Topics.FACTORS, user, EventTypes.RECOVERY_CODE_REVOKED, 1)
                                        .get(0),
                                Events.RecoveryCodeRevoked.class)
                        .reason())
                .isEqualTo("admin-reset");
        // The user enrolls again from scratch and gets a new recovery code.
        AuthenticatorAppIT.enroll(user);
        Bus.await(Topics.FACTORS, user, EventTypes.RECOVERY_CODE_ISSUED, 2);
    }

    private static void factor(String user, String org, String method) {
        Db.update(
                "insert into factor (factor_id, user_id, org_id, method, label, status, created_at) "
                        + "values (?, ?, ?, ?, 'x', 'ACTIVE', now())",
                UUID.randomUUID(),
                user,
                org,
                method);
    }
}
