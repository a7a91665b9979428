package dev.mfa.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.enrollment.support.Admins;
import dev.mfa.enrollment.support.Api;
import dev.mfa.enrollment.support.Db;
import dev.mfa.enrollment.support.Factors;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Issue 15 finding 4: the token's {@code org} must match the roster (or the user's factors); resets stay in-org. */
@QuarkusTest
class OrgClaimIT {

    private static final String ORG = "claim-org";
    private static final String OTHER = "claim-other-org";

    @Test
    void aTokenWhoseOrgDiffersFromTheRostersIsAnswered404() {
        String user = "claim-" + UUID.randomUUID();
        Db.user(user, ORG, null, "OPTIONAL");
        Factors.insert(user, ORG);
        Api.user(user, ORG).get("/api/v1/me/mfa").then().statusCode(200);
        Api.problem(Api.user(user, OTHER).get("/api/v1/me/mfa").then(), 404, "not-found");
        Api.problem(Api.user(user, OTHER).get("/api/v1/me/mfa/factors").then(), 404, "not-found");
        Api.problem(
                Api.user(user, OTHER)
                        .body(Map.of("password", "x"))
                        .post("/api/v1/me/reauth")
                        .then(),
                404,
                "not-found");
        assertThat(Db.count("select count(*) from reauth_failure where user_id = ?", user))
                .isZero();
    }

    @Test
    void aUserOutsideTheRosterIsBoundToTheOrgOfTheirFactors() {
        String user = "claim-nr-" + UUID.randomUUID();
        Factors.insert(user, ORG);
        Api.user(user, ORG).get("/api/v1/me/mfa/factors").then().statusCode(200);
        Api.problem(Api.user(user, OTHER).get("/api/v1/me/mfa/factors").then(), 404, "not-found");
    }

    @Test
    void anAdminResetRemovesOnlyTheFactorsOfTheAdminsOrg() {
        String user = "claim-reset-" + UUID.randomUUID();
        UUID mine = Factors.insert(user, ORG);
        UUID theirs = Factors.insert(user, OTHER);
        Admins.steppedUp(Admins.adminId(ORG), ORG)
                .post("/api/v1/orgs/" + ORG + "/users/" + user + "/mfa-reset")
                .then()
                .statusCode(204);
        assertThat(Db.count("select count(*) from factor where factor_id = ?", mine))
                .isZero();
        assertThat(Db.count("select count(*) from factor where factor_id = ?", theirs))
                .isEqualTo(1);
    }
}
