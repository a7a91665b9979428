package dev.mfa.verification;

import static io.restassured.RestAssured.given;

import dev.mfa.localstack.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 15 finding 3: an access token minted for another audience (or for none) is refused with 401. */
@QuarkusTest
class AccessTokenAudienceIT extends VerificationTestBase {

    @Test
    void accessTokenForAnotherAudienceAnswers401() {
        String user = newUser("aud");
        given().auth()
                .oauth2(TestTokens.builder(user, ORG)
                        .claim("aud", "another-api")
                        .sign())
                .post("/api/v1/challenges")
                .then()
                .statusCode(401);
        given().auth()
                .oauth2(TestTokens.builder(user, ORG)
                        .claim("aud", List.of("another-api", "billing"))
                        .sign())
                .post("/api/v1/challenges")
                .then()
                .statusCode(401);
        given().auth()
                .oauth2(TestTokens.builder(user, ORG).claim("aud", null).sign())
                .post("/api/v1/challenges")
                .then()
                .statusCode(401);
        // the platform's own audience, alone or among others, is accepted
        given().auth()
                .oauth2(TestTokens.builder(user, ORG).claim("aud", "mfa-api").sign())
                .post("/api/v1/challenges")
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(TestTokens.builder(user, ORG)
                        .claim("aud", List.of("billing", "mfa-api"))
                        .sign())
                .post("/api/v1/challenges")
                .then()
                .statusCode(200);
    }
}
