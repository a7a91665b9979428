package dev.mfa.enrollment.support;

import static io.restassured.RestAssured.given;

import dev.mfa.localstack.testing.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;

/** REST calls as a given user. */
public final class Api {

    public static final String PROBLEM_JSON = "application/problem+json";

    private Api() {}

    public static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    public static RequestSpecification user(String userId, String orgId) {
        return as(TestTokens.user(userId, orgId));
    }

    /** A fresh assertion as verification-service issues it (new jti, 10 minutes); it authorises one change. */
    public static String assertion(String userId, String orgId) {
        long now = java.time.Instant.now().getEpochSecond();
        return TestTokens.builder(userId, orgId)
                .claim("iss", TestTokens.ASSERTION_ISSUER)
                .claim("aud", "mfa")
                .claim("amr", List.of("otp"))
                .claim("iat", now)
                .claim("exp", now + 600)
                .signedWith(TestTokens.ASSERTION_PRIVATE_KEY)
                .sign();
    }

    /** Registers a password for the user and returns a fresh reauth token. */
    public static String reauth(String userId, String orgId) {
        String password = "pw-" + userId;
        TestPasswords.register(userId, password);
        return user(userId, orgId)
                .body(Map.of("password", password))
                .post("/api/v1/me/reauth")
                .then()
                .statusCode(200)
                .extract()
                .path("reauthToken");
    }

    /** Asserts a problem response with the given status and type slug. */
    public static ValidatableResponse problem(ValidatableResponse response, int status, String slug) {
        return response.statusCode(status)
                .contentType(PROBLEM_JSON)
                .body("status", org.hamcrest.Matchers.equalTo(status))
                .body("type", org.hamcrest.Matchers.endsWith("/" + slug));
    }
}
