package dev.mfa.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.enrollment.support.Api;
import dev.mfa.enrollment.support.Bus;
import dev.mfa.enrollment.support.Db;
import dev.mfa.enrollment.support.Orgs;
import dev.mfa.enrollment.support.TestPasswords;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 finding 16, enrollment parts: no cache keeps a response carrying a secret, code or token; a removed
 * user's pending enrollments lose their ciphertexts.
 */
@QuarkusTest
class HardeningIT {

    private static final String ORG = "hardening-org";
    private static final String NO_STORE = "no-store";

    @Test
    void responsesCarryingASecretCodeOrTokenAreNotStored() {
        String user = "hard-" + UUID.randomUUID();
        Db.user(user, ORG, null, "OPTIONAL");
        TestPasswords.register(user, "pw");
        String reauth = Api.user(user, ORG)
                .body(Map.of("password", "pw"))
                .post("/api/v1/me/reauth")
                .then()
                .statusCode(200)
                .header("Cache-Control", NO_STORE)
                .extract()
                .path("reauthToken");
        var started = Api.user(user, ORG)
                .header("X-Reauth-Token", reauth)
                .post("/api/v1/me/mfa/authenticator-app")
                .then()
                .statusCode(201)
                .header("Cache-Control", NO_STORE)
                .extract();
        Api.user(user, ORG)
                .body(Map.of("code", AuthenticatorAppIT.currentCode(started.path("secret"))))
                .post("/api/v1/me/mfa/enrollments/" + started.path("enrollmentId") + "/confirm")
                .then()
                .statusCode(200)
                .header("Cache-Control", NO_STORE);
        Api.user(user, ORG)
                .header("X-Reauth-Token", reauth)
                .header("X-MFA-Assertion", Api.assertion(user, ORG))
                .post("/api/v1/me/mfa/recovery-code")
                .then()
                .statusCode(201)
                .header("Cache-Control", NO_STORE);
    }

    @Test
    void rosterRemovalWipesPendingEnrollmentsCiphertexts() {
        String user = "hard-rm-" + UUID.randomUUID();
        Orgs.join(user, ORG, null);
        String id = Api.user(user, ORG)
                .header("X-Reauth-Token", Api.reauth(user, ORG))
                .post("/api/v1/me/mfa/authenticator-app")
                .then()
                .statusCode(201)
                .extract()
                .path("enrollmentId");
        assertThat(Db.single("select secret from enrollment where enrollment_id = ?::uuid", id))
                .isNotNull();
        Orgs.awaitProcessed(Bus.publish(Topics.IDENTITY_USERS, new Events.UserRemoved(user, ORG)));
        assertThat(Db.query("select status, secret, phone, code_hash from enrollment where enrollment_id = ?::uuid", id)
                        .get(0))
                .containsExactly("CANCELLED", null, null, null);
    }
}
