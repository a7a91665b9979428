package dev.mfa.verification;

import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Issue 15 finding 16: an answer carrying an assertion (or any sign-in answer) is never stored by a cache. */
@QuarkusTest
class VerificationAnswersNotCachedIT extends VerificationTestBase {

    @Test
    void answerCarryingAnAssertionIsNoStore() {
        String user = newUser("no-store");
        TotpFactor factor = enrollTotp(user, null);
        String challengeId = createChallenge(token(user))
                .then()
                .statusCode(201)
                .header("Cache-Control", containsString("no-store"))
                .extract()
                .path("challengeId");
        String code = currentCode(factor);
        verify(user, challengeId, "TOTP", code)
                .then()
                .statusCode(200)
                .header("Cache-Control", containsString("no-store"));
        verify(user, openChallenge(user), "TOTP", code)
                .then()
                .statusCode(401) // the same step again: replayed
                .header("Cache-Control", containsString("no-store"));
    }
}
