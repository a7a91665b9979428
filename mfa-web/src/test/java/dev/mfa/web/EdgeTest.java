package dev.mfa.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(FakeServices.class)
class EdgeTest {

    private static RequestSpecification unsafe(String cookie) {
        RequestSpecification r = given().header("X-Requested-With", "mfa-web").contentType("application/json");
        return cookie == null ? r : r.cookie("mfa_session", cookie);
    }

    private static String signIn(String user, String password) {
        Response r = unsafe(null)
                .body(new JsonObject()
                        .put("userId", user)
                        .put("password", password)
                        .encode())
                .post("/login");
        assertThat(r.statusCode()).isEqualTo(200);
        String setCookie = r.header("Set-Cookie");
        assertThat(setCookie)
                .containsIgnoringCase("HttpOnly")
                .contains("SameSite=Strict")
                .contains("Path=/");
        return r.cookie("mfa_session");
    }

    private static JsonObject lastSeen() {
        return FakeServices.SEEN.peekLast();
    }

    @Test
    void pagesCarryStrictSecurityHeaders() {
        Response r = given().get("/login.html");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("Content-Security-Policy"))
                .contains("script-src 'self'")
                .contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline");
        assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(given().get("/q/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void unsafeCallsNeedTheCustomHeaderAndTheSameOrigin() {
        assertThat(given().contentType("application/json")
                        .body("{}")
                        .post("/login")
                        .statusCode())
                .isEqualTo(403);
        assertThat(unsafe(null)
                        .header("Origin", "https://evil.example")
                        .body("{}")
                        .post("/login")
                        .statusCode())
                .isEqualTo(403);
        assertThat(unsafe(null).body("{}").post("/login").statusCode()).isEqualTo(400);
    }

    @Test
    void wrongPasswordOrUnknownUserRefusedAlike() {
        Response wrong = unsafe(null)
                .body("{\"userId\":\"alice\",\"password\":\"nope\"}")
                .post("/login");
        Response unknown = unsafe(null)
                .body("{\"userId\":\"mallory\",\"password\":\"nope\"}")
                .post("/login");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(wrong.contentType()).startsWith("application/problem+json");
        assertThat(wrong.jsonPath().getString("title"))
                .isEqualTo(unknown.jsonPath().getString("title"));
        assertThat(wrong.header("Set-Cookie")).isNull();
    }

    @Test
    void noSessionNoApi() {
        assertThat(given().get("/api/v1/me/mfa").statusCode()).isEqualTo(401);
        assertThat(given().get("/session").statusCode()).isEqualTo(401);
    }

    @Test
    void sessionTokensStayOnTheServerAndReachTheRightService() {
        String cookie = signIn("alice", "alice-pw");
        assertThat(given().cookie("mfa_session", cookie)
                        .get("/session")
                        .jsonPath()
                        .getString("stage"))
                .isEqualTo("MFA_PENDING");

        // Before the second step only the challenge calls pass.
        Response pending = given().cookie("mfa_session", cookie).get("/api/v1/me/mfa");
        assertThat(pending.statusCode()).isEqualTo(401);
        assertThat(pending.jsonPath().getString("type")).endsWith("/mfa-pending");

        Response challenge = unsafe(cookie)
                .header("Authorization", "Bearer forged")
                .header("X-MFA-Assertion", "forged")
                .post("/api/v1/challenges");
        assertThat(challenge.statusCode()).isEqualTo(201);
        assertThat(challenge.header("Cache-Control")).isEqualTo("no-store");
        JsonObject seen = lastSeen();
        assertThat(seen.getString("service")).isEqualTo("verification");
        assertThat(seen.getString("cookie")).isNull();
        assertThat(seen.getString("x-mfa-assertion")).isNull();
        String token = seen.getString("authorization");
        assertThat(token).startsWith("Bearer ").isNotEqualTo("Bearer forged");
        JsonObject claims = new JsonObject(
                new String(Base64.getUrlDecoder().decode(token.substring(7).split("\\.")[1]), StandardCharsets.UTF_8));
        assertThat(claims.getString("iss")).isEqualTo("https://mfa.local/dev");
        assertThat(claims.getString("sub")).isEqualTo("alice");
        assertThat(claims.getString("org")).isEqualTo("acme");
        assertThat(claims.getValue("aud").toString()).contains("mfa-api");

        Response verified =
                unsafe(cookie).body("{\"method\":\"TOTP\",\"code\":\"123456\"}").post("/api/v1/challenges/c1/verify");
        assertThat(verified.statusCode()).isEqualTo(200);
        assertThat(verified.jsonPath().getBoolean("verified")).isTrue();
        assertThat(verified.asString()).doesNotContain("assertion\"").doesNotContain(FakeServices.ASSERTION);
        assertThat(given().cookie("mfa_session", cookie)
                        .get("/session")
                        .jsonPath()
                        .getString("stage"))
                .isEqualTo("SIGNED_IN");

        Response reauth = unsafe(cookie).body("{\"password\":\"alice-pw\"}").post("/api/v1/me/reauth");
        assertThat(reauth.statusCode()).isEqualTo(200);
        assertThat(reauth.asString()).doesNotContain("reauth-1").contains("expiresAt");
        assertThat(lastSeen().getString("service")).isEqualTo("enrollment");

        Response status = given().cookie("mfa_session", cookie).get("/api/v1/me/mfa?x=1");
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.header("Cache-Control")).isEqualTo("no-store");
        assertThat(status.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
        seen = lastSeen();
        assertThat(seen.getString("service")).isEqualTo("enrollment");
        assertThat(seen.getString("uri")).isEqualTo("/api/v1/me/mfa?x=1");
        assertThat(seen.getString("x-mfa-assertion")).isEqualTo(FakeServices.ASSERTION);
        assertThat(seen.getString("x-reauth-token")).isEqualTo("reauth-1");

        given().cookie("mfa_session", cookie).get("/api/v1/devices");
        assertThat(lastSeen().getString("service")).isEqualTo("verification");

        // The org-admin calls of issue 18 go to enrollment-service like the others, with the session's tokens.
        unsafe(cookie).body("{\"enabled\":true}").post("/api/v1/orgs/acme/mfa-policy/preview");
        assertThat(lastSeen().getString("service")).isEqualTo("enrollment");
        assertThat(lastSeen().getString("method")).isEqualTo("POST");
        unsafe(cookie)
                .body("{\"until\":\"2030-01-01T00:00:00Z\",\"reason\":\"r\"}")
                .put("/api/v1/orgs/acme/users/bob/mfa-exemption");
        assertThat(lastSeen().getString("uri")).isEqualTo("/api/v1/orgs/acme/users/bob/mfa-exemption");
        assertThat(lastSeen().getString("method")).isEqualTo("PUT");
        unsafe(cookie).delete("/api/v1/orgs/acme/users/bob/mfa-exemption");
        assertThat(lastSeen().getString("method")).isEqualTo("DELETE");
        assertThat(lastSeen().getString("x-mfa-assertion")).isEqualTo(FakeServices.ASSERTION);
        given().cookie("mfa_session", cookie).get("/api/v1/orgs/acme/mfa-audit?userId=bob&page=1&size=20");
        assertThat(lastSeen().getString("service")).isEqualTo("enrollment");
        assertThat(lastSeen().getString("uri")).isEqualTo("/api/v1/orgs/acme/mfa-audit?userId=bob&page=1&size=20");
        assertThat(given().cookie("mfa_session", cookie)
                        .contentType("application/json")
                        .body("{}")
                        .delete("/api/v1/orgs/acme/users/bob/mfa-exemption")
                        .statusCode())
                .isEqualTo(403);

        assertThat(given().cookie("mfa_session", cookie)
                        .urlEncodingEnabled(false)
                        .get("/api/v1/challenges/%2e%2e/me/mfa")
                        .statusCode())
                .isEqualTo(404);

        assertThat(unsafe(cookie).post("/logout").statusCode()).isEqualTo(204);
        assertThat(given().cookie("mfa_session", cookie).get("/api/v1/me/mfa").statusCode())
                .isEqualTo(401);
    }

    @Test
    void withoutOidcGetLoginIsTheSignInPage() {
        // OIDC is off outside prod: its HTTP permission on GET /login must not apply (OidcSignInTest covers prod).
        Response r = given().redirects().follow(false).get("/login");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/html");
        assertThat(r.asString()).contains("id=\"login-form\"");
    }

    @Test
    void devSignInOnlyInLocalDevAndTestProfiles() {
        assertThat(DevIdentityProvider.profileAllowed(java.util.List.of("test")))
                .isTrue();
        assertThat(DevIdentityProvider.profileAllowed(java.util.List.of("local")))
                .isTrue();
        assertThat(DevIdentityProvider.profileAllowed(java.util.List.of("prod")))
                .isFalse();
        assertThat(DevIdentityProvider.profileAllowed(java.util.List.of("local", "prod")))
                .isFalse();
        assertThat(DevIdentityProvider.profileAllowed(java.util.List.of())).isFalse();
        RestAssured.reset();
    }
}
