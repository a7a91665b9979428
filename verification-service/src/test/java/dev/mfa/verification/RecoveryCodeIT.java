package dev.mfa.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The recovery code signs in once, says so, and tells enrollment-service which code was used. */
@QuarkusTest
class RecoveryCodeIT extends VerificationTestBase {

    @Test
    void recoveryCodeSignsInOnceAndIsReported() throws Exception {
        String user = newUser("rcode");
        enrollTotp(user, null);
        RecoveryCode code = issueRecoveryCode(user);
        String first = openChallenge(user);
        String second = openChallenge(user);

        // Users may type it in lower case and without dashes.
        String typed = code.code().replace("-", "").toLowerCase();
        String assertion = verify(user, first, "RECOVERY_CODE", typed)
                .then()
                .statusCode(200)
                .body("verified", equalTo(true))
                .body("recoveryCodeUsed", equalTo(true))
                .extract()
                .path("assertion");
        assertThat(verifyAssertion(assertion).getStringListClaimValue("amr")).containsExactly("rcode");

        List<CloudEvent> events = eventsOf(Topics.VERIFICATIONS, user, 2);
        assertThat(events)
                .extracting(CloudEvent::type)
                .containsExactly(EventTypes.VERIFICATION_SUCCEEDED, EventTypes.RECOVERY_CODE_USED);
        var used = codec.data(events.get(1), Events.RecoveryCodeUsed.class);
        assertThat(used.recoveryCodeId()).isEqualTo(code.id());
        assertThat(used.challengeId().toString()).isEqualTo(first);
        assertThat(codec.encode(events.get(1))).doesNotContain(code.code());

        // Reuse on a challenge opened before the use: refused as a wrong code.
        verify(user, second, "RECOVERY_CODE", code.code())
                .then()
                .statusCode(401)
                .body("verified", equalTo(false));
        // New challenges no longer offer it.
        createChallenge(token(user)).then().statusCode(201).body("methods", contains("TOTP"));
    }

    @Test
    void wrongRecoveryCodeFails() {
        String user = newUser("rcode-wrong");
        enrollTotp(user, null);
        issueRecoveryCode(user);
        verify(user, openChallenge(user), "RECOVERY_CODE", "0000-0000-0000-0000-0000-0000")
                .then()
                .statusCode(401)
                .body("attemptsRemaining", equalTo(4));
        verify(user, openChallenge(user), "RECOVERY_CODE", "not a code").then().statusCode(401);
    }

    @Test
    void aNewlyIssuedCodeReplacesTheOldOne() {
        String user = newUser("rcode-replaced");
        enrollTotp(user, null);
        RecoveryCode old = issueRecoveryCode(user);
        RecoveryCode current = issueRecoveryCode(user);
        verify(user, openChallenge(user), "RECOVERY_CODE", old.code()).then().statusCode(401);
        verify(user, openChallenge(user), "RECOVERY_CODE", current.code())
                .then()
                .statusCode(200);
    }

    @Test
    void aRevokedCodeNoLongerWorks() throws Exception {
        String user = newUser("rcode-revoked");
        enrollTotp(user, null);
        RecoveryCode code = issueRecoveryCode(user);
        String challengeId = openChallenge(user);
        publish(Topics.FACTORS, new Events.RecoveryCodeRevoked(code.id(), user, ORG, "user", clock.instant()));
        await().atMost(PROJECTION_WAIT)
                .until(() -> count("select count(*) from recovery_code where user_id = ?", user) == 0);
        verify(user, challengeId, "RECOVERY_CODE", code.code()).then().statusCode(401);
    }
}
