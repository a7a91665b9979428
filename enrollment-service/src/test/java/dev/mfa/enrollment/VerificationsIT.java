package dev.mfa.enrollment;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.enrollment.support.Api;
import dev.mfa.enrollment.support.Bus;
import dev.mfa.enrollment.support.Orgs;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** mfa.verifications: a spent recovery code turns USED, a successful factor gets lastUsedAt. */
@QuarkusTest
class VerificationsIT {

    private static final String ORG = "totp-org";

    @Test
    void recoveryCodeUsedAtSignInShowsAsUsedAndTheUserMayTakeANewOne() {
        String user = "ver-rc-" + UUID.randomUUID();
        AuthenticatorAppIT.enroll(user);
        var issued = Bus.data(
                Bus.await(Topics.FACTORS, user, EventTypes.RECOVERY_CODE_ISSUED, 1)
                        .get(0),
                Events.RecoveryCodeIssued.class);
        // An id that is not the user's current code changes nothing.
        Orgs.awaitProcessed(Bus.publish(
                Topics.VERIFICATIONS,
                new Events.RecoveryCodeUsed(UUID.randomUUID(), user, ORG, UUID.randomUUID(), Instant.now())));
        Api.user(user, ORG).get("/api/v1/me/mfa").then().body("recoveryCode.status", equalTo("ACTIVE"));

        var used = Bus.publish(
                Topics.VERIFICATIONS,
                new Events.RecoveryCodeUsed(issued.recoveryCodeId(), user, ORG, UUID.randomUUID(), Instant.now()));
        Orgs.awaitProcessed(used);
        Api.user(user, ORG).get("/api/v1/me/mfa").then().body("recoveryCode.status", equalTo("USED"));
        Bus.send(Topics.VERIFICATIONS, used); // duplicate: nothing more
        Api.user(user, ORG)
                .header("X-Reauth-Token", Api.reauth(user, ORG))
                .header("X-MFA-Assertion", Api.assertion(user, ORG))
                .post("/api/v1/me/mfa/recovery-code")
                .then()
                .statusCode(201);
        Api.user(user, ORG).get("/api/v1/me/mfa").then().body("recoveryCode.status", equalTo("ACTIVE"));
    }

    @Test
    void aSuccessfulSignInRecordsWhenTheFactorWasLastUsed() {
        String user = "ver-used-" + UUID.randomUUID();
        String factorId = AuthenticatorAppIT.enroll(user);
        Api.user(user, ORG).get("/api/v1/me/mfa/factors").then().body("[0].lastUsedAt", nullValue());
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Orgs.awaitProcessed(Bus.publish(
                Topics.VERIFICATIONS,
                new Events.VerificationSucceeded(UUID.randomUUID(), user, ORG, "TOTP", UUID.fromString(factorId), at)));
        Api.user(user, ORG).get("/api/v1/me/mfa/factors").then().body("[0].lastUsedAt", equalTo(at.toString()));
        // Another user's event cannot touch this factor.
        Orgs.awaitProcessed(Bus.publish(
                Topics.VERIFICATIONS,
                new Events.VerificationSucceeded(
                        UUID.randomUUID(),
                        "someone-else",
                        ORG,
                        "TOTP",
                        UUID.fromString(factorId),
                        at.plusSeconds(60))));
        Api.user(user, ORG).get("/api/v1/me/mfa/factors").then().body("[0].lastUsedAt", equalTo(at.toString()));
    }
}
