package dev.mfa.verification.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.localstack.testing.TestTokens;
import dev.mfa.verification.VerificationTestBase;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The caching decorator sits in front of smallrye-jwt's parser: what it serves, and what it never serves. */
@QuarkusTest
class CachedTokenCheckIT extends VerificationTestBase {

    @Inject
    VerifiedTokens verified;

    @Test
    void theSecondCallWithATokenIsServedFromTheCache() {
        String token = TestTokens.user(newUser("cache"), ORG);
        long hits = verified.hits();
        given().auth().oauth2(token).post("/api/v1/challenges").then().statusCode(200);
        assertThat(verified.hits()).isEqualTo(hits);
        given().auth().oauth2(token).post("/api/v1/challenges").then().statusCode(200);
        assertThat(verified.hits()).isEqualTo(hits + 1);
    }

    @Test
    void aTokenWithAnotherSignatureOrExpiredIsRefusedEvenRightAfterAGoodOne() {
        String user = newUser("cache");
        String token = TestTokens.user(user, ORG);
        given().auth().oauth2(token).post("/api/v1/challenges").then().statusCode(200);
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA" + token.substring(token.length() - 8);
        given().auth().oauth2(forged).post("/api/v1/challenges").then().statusCode(401);
        String expired = TestTokens.builder(user, ORG)
                .expiresAt(Instant.now().minusSeconds(3600))
                .sign();
        given().auth().oauth2(expired).post("/api/v1/challenges").then().statusCode(401);
        given().auth().oauth2(expired).post("/api/v1/challenges").then().statusCode(401);
        given().auth().oauth2(token).post("/api/v1/challenges").then().statusCode(200);
    }
}
