package dev.mfa.verification.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mfa.localstack.testing.TestTokens;
import dev.mfa.verification.VerificationTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link DirectVerifyRoute} answers exactly as {@link ChallengeResource}: every case is sent by two users set up
 * alike, one through the route (the token that opened its challenge, as in a sign-in) and one through the resource (a
 * token the service has never seen), and the two answers must match in status, headers and body. And what the route
 * must not take reaches the resource unread.
 */
@QuarkusTest
class DirectVerifyRouteIT extends VerificationTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> HEADERS =
            List.of("Content-Type", "Cache-Control", "Pragma", "Retry-After", "WWW-Authenticate");

    @Inject
    DirectVerifyRoute route;

    /** A user with a TOTP factor, a recovery code and a challenge opened with {@code token}. */
    record SignIn(String user, TotpFactor factor, RecoveryCode recovery, String token, String challengeId) {}

    /** One side of a comparison: the token its verifies bring decides who answers them. */
    record Side(SignIn signIn, boolean direct) {
        String verifyToken() {
            return direct ? signIn.token() : TestTokens.user(signIn.user(), ORG);
        }

        RequestSpecification verifyRequest() {
            return given().auth().oauth2(verifyToken());
        }

        Response verify(String challengeId, String body) {
            return verifyRequest()
                    .contentType(ContentType.JSON)
                    .body(body)
                    .post("/api/v1/challenges/{id}/verify", challengeId);
        }

        Response verify(String body) {
            return verify(signIn.challengeId(), body);
        }

        /** A new challenge, opened with the sign-in's token. */
        String openChallenge() {
            return given().auth()
                    .oauth2(signIn.token())
                    .post("/api/v1/challenges")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("challengeId");
        }
    }

    /** What a caller can see of an answer; an assertion (signed anew each time) is compared by its shape. */
    record Answer(int status, Map<String, String> headers, JsonNode body) {
        static Answer of(Response response) {
            Map<String, String> headers = new LinkedHashMap<>();
            for (String name : HEADERS) {
                headers.put(name, response.header(name));
            }
            String text = response.asString();
            JsonNode body;
            try {
                body = text.isEmpty() ? null : JSON.readTree(text);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + text, e);
            }
            if (body instanceof ObjectNode object && object.hasNonNull("assertion")) {
                assertThat(object.get("assertion").asText()).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
                object.put("assertion", "<a JWS>");
            }
            return new Answer(response.statusCode(), headers, body);
        }
    }

    private SignIn signIn(String prefix) {
        String user = newUser(prefix);
        TotpFactor factor = enrollTotp(user, null);
        RecoveryCode recovery = issueRecoveryCode(user);
        String token = TestTokens.user(user, ORG);
        String challengeId =
                createChallenge(token).then().statusCode(201).extract().path("challengeId");
        return new SignIn(user, factor, recovery, token, challengeId);
    }

    /**
     * Sets up two users alike with {@code prepare}, then sends each call by both, the route's first; each call is one
     * verify, and the two answers must be the same.
     */
    @SafeVarargs
    private void answeredAlike(String prefix, Consumer<Side> prepare, Function<Side, Response>... calls) {
        clock.freeze();
        Side direct = new Side(signIn(prefix), true);
        Side resource = new Side(signIn(prefix), false);
        prepare.accept(direct);
        prepare.accept(resource);
        for (int i = 0; i < calls.length; i++) {
            long taken = route.taken();
            Answer viaRoute = Answer.of(calls[i].apply(direct));
            assertThat(route.taken())
                    .as("%s, call %d: answered by the route", prefix, i)
                    .isEqualTo(taken + 1);
            Answer viaResource = Answer.of(calls[i].apply(resource));
            assertThat(route.taken())
                    .as("%s, call %d: answered by the resource", prefix, i)
                    .isEqualTo(taken + 1);
            assertThat(viaRoute).as("%s, call %d", prefix, i).isEqualTo(viaResource);
        }
    }

    private static String totp(String code) {
        return "{\"method\":\"TOTP\",\"code\":\"" + code + "\"}";
    }

    @Test
    void rightWrongAndReplayedCodesAreAnsweredAlike() {
        answeredAlike(
                "direct-outcomes",
                side -> {},
                side -> side.verify(totp(wrongCode(side.signIn().factor()))),
                side -> side.verify(totp(currentCode(side.signIn().factor()))),
                side -> side.verify(
                        side.openChallenge(), totp(currentCode(side.signIn().factor()))),
                side -> side.verify(
                        side.openChallenge(),
                        "{\"method\":\"RECOVERY_CODE\",\"code\":\""
                                + side.signIn().recovery().code() + "\"}"),
                side -> side.verify(side.openChallenge(), "{\"method\":\"SMS\",\"code\":\"123456\"}"),
                // An unknown challenge, and another user's, are not found.
                side -> side.verify(UUID.randomUUID().toString(), totp("123456")),
                side -> side.verify(openChallenge(newUserWithFactor()), totp("123456")));
    }

    private String newUserWithFactor() {
        String other = newUser("direct-other");
        enrollTotp(other, null);
        return other;
    }

    @Test
    void theThrottleAndTheLockAreAnsweredAlike() throws Exception {
        answeredAlike(
                "direct-throttle",
                side -> {},
                side -> side.verify(totp(wrongCode(side.signIn().factor()))),
                side -> side.verify(totp(wrongCode(side.signIn().factor()))),
                side -> side.verify(totp(wrongCode(side.signIn().factor()))),
                side -> side.verify(totp(wrongCode(side.signIn().factor()))),
                // The fifth failure sets the first wait: Retry-After on a 401, then a 429 even for the right code.
                side -> side.verify(totp(wrongCode(side.signIn().factor()))),
                side -> side.verify(totp(currentCode(side.signIn().factor()))));
        answeredAlike(
                "direct-locked",
                side -> {
                    try {
                        exec(
                                "update user_state set consecutive_failures = 100, locked_at = now() where user_id = ?",
                                side.signIn().user());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                side -> side.verify(totp(currentCode(side.signIn().factor()))));
    }

    @Test
    void badRequestsAreAnsweredAlikeAndChangeNothing() throws Exception {
        String tooLong = "1".repeat(65);
        answeredAlike(
                "direct-bad-input",
                side -> {},
                side -> side.verify(""),
                side -> side.verify("null"),
                side -> side.verify("   "),
                side -> side.verify("{"),
                side -> side.verify("[]"),
                side -> side.verify("{\"method\":1,\"code\":[\"123456\"]}"),
                side -> side.verify("{\"method\":\"EMAIL\",\"code\":\"123456\"}"),
                side -> side.verify("{\"code\":\"123456\"}"),
                side -> side.verify("{\"method\":\"TOTP\"}"),
                side -> side.verify("{\"method\":\"TOTP\",\"code\":\"  \"}"),
                side -> side.verify("{\"method\":\"TOTP\",\"code\":\"" + tooLong + "\"}"),
                side -> side.verify("{\"method\":\"TOTP\",\"code\":\"123456\"} trailing"),
                side -> side.verify("\u00ff\u00fe"),
                // A well-formed request with an unknown member is still read (and fails on its wrong code).
                side -> side.verify("{\"method\":\"TOTP\",\"code\":\""
                        + wrongCode(side.signIn().factor()) + "\",\"remember\":true}"),
                // Content negotiation the route does without: JSON is all either answers.
                side -> side.verifyRequest()
                        .accept("application/json")
                        .contentType(ContentType.JSON)
                        .body("{")
                        .post("/api/v1/challenges/{id}/verify", side.signIn().challengeId()),
                side -> side.verifyRequest()
                        .accept("text/html, application/json")
                        .contentType("application/json; charset=UTF-8")
                        .body("{\"method\":\"TOTP\",\"code\":\""
                                + wrongCode(side.signIn().factor()) + "\"}")
                        .post("/api/v1/challenges/{id}/verify", side.signIn().challengeId()));
    }

    @Test
    void aTokenWithoutAnOrgIsAnsweredAlike() {
        clock.freeze();
        String user = newUser("direct-no-org");
        TotpFactor factor = enrollTotp(user, null);
        String noOrg = TestTokens.builder(user, ORG).claim("org", null).sign();
        // Its challenge call is refused, but the token itself verified: it is cached, and the route takes its verify.
        createChallenge(noOrg).then().statusCode(401);
        String body = totp(currentCode(factor));
        long taken = route.taken();
        Answer viaRoute = Answer.of(given().auth()
                .oauth2(noOrg)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/challenges/{id}/verify", UUID.randomUUID()));
        assertThat(route.taken()).isEqualTo(taken + 1);
        Answer viaResource = Answer.of(given().auth()
                .oauth2(TestTokens.builder(user, ORG).claim("org", null).sign())
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/challenges/{id}/verify", UUID.randomUUID()));
        assertThat(route.taken()).isEqualTo(taken + 1);
        assertThat(viaRoute).isEqualTo(viaResource);
        assertThat(viaRoute.status()).isEqualTo(401);
    }

    @Test
    void whatTheRouteDoesNotTakeReachesTheResourceUnread() throws Exception {
        clock.freeze();
        SignIn signIn = signIn("direct-handed-on");
        String wrong = "{\"method\":\"TOTP\",\"code\":\"" + wrongCode(signIn.factor()) + "\"}";
        long taken = route.taken();

        // A token this replica has not verified yet.
        verify(signIn.user(), signIn.challengeId(), "TOTP", wrongCode(signIn.factor()))
                .then()
                .statusCode(401);
        // Not JSON, negotiated, not a UUID, too long to take unread.
        given().auth()
                .oauth2(signIn.token())
                .contentType(ContentType.TEXT)
                .body(wrong)
                .post("/api/v1/challenges/{id}/verify", signIn.challengeId())
                .then()
                .statusCode(415)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(signIn.token())
                .accept("application/json;q=0.9")
                .contentType(ContentType.JSON)
                .body(wrong)
                .post("/api/v1/challenges/{id}/verify", signIn.challengeId())
                .then()
                .statusCode(401);
        given().auth()
                .oauth2(signIn.token())
                .contentType(ContentType.JSON)
                .body(wrong)
                .post("/api/v1/challenges/{id}/verify", "not-a-uuid")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        String padded = "{\"method\":\"TOTP\",\"code\":\"" + wrongCode(signIn.factor()) + "\",\"pad\":\""
                + "x".repeat(DirectVerifyRoute.MAX_BODY_BYTES) + "\"}";
        given().auth()
                .oauth2(signIn.token())
                .contentType(ContentType.JSON)
                .body(padded)
                .post("/api/v1/challenges/{id}/verify", signIn.challengeId())
                .then()
                .statusCode(401);
        // A chunked body: its length is not declared.
        HttpResponse<String> chunked = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port
                                        + "/api/v1/challenges/" + signIn.challengeId() + "/verify"))
                                .header("Authorization", "Bearer " + signIn.token())
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofInputStream(
                                        () -> new ByteArrayInputStream(wrong.getBytes(StandardCharsets.UTF_8))))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(401);

        assertThat(route.taken()).isEqualTo(taken);
        // The resource counted every one of the wrong codes it was given.
        assertThat(count("select consecutive_failures from user_state where user_id = ?", signIn.user()))
                .isEqualTo(4);
    }

    @Test
    void itsAnswersAreMeasuredUnderTheResourcesRouteName() {
        answeredAlike(
                "direct-metrics",
                side -> {},
                side -> side.verify(totp(wrongCode(side.signIn().factor()))));
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("uri=\"/api/v1/challenges/{id}/verify\"");
        assertThat(metrics).doesNotContainPattern("uri=\"/api/v1/challenges/[0-9a-f]{8}-");
    }
}
