package dev.mfa.systemtests;

import static dev.mfa.systemtests.support.Platform.ENROLLMENT_API;
import static dev.mfa.systemtests.support.Platform.VERIFICATION_API;
import static dev.mfa.systemtests.support.TestUser.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mfa.localstack.testing.TestTokens;
import dev.mfa.systemtests.support.EventLog;
import dev.mfa.systemtests.support.Http;
import dev.mfa.systemtests.support.Idle;
import dev.mfa.systemtests.support.OrgAdmin;
import dev.mfa.systemtests.support.Phones;
import dev.mfa.systemtests.support.Platform;
import dev.mfa.systemtests.support.Secrets;
import dev.mfa.systemtests.support.Stub;
import dev.mfa.systemtests.support.SystemTest;
import dev.mfa.systemtests.support.TestUser;
import dev.mfa.systemtests.support.TotpDevice;
import dev.mfa.systemtests.support.Users;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every endpoint fed malformed JSON, wrong types, huge bodies, unknown fields, missing/forged/expired tokens and other
 * organisations' ids: never a 500, always {@code application/problem+json}, never a secret in the answer, and no
 * change of state (the users' and orgs' views and the topics are the same before and after).
 */
@SystemTest
@Order(2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Bad input")
class BadInputIT {

    private String org;
    private String otherOrg;
    private TestUser victim;
    private TestUser other;
    private TotpDevice victimDevice;
    private String victimFactorId;
    private String victimChallengeId;
    private String victimReauth;
    private String victimAssertion;
    private String otherFactorId;
    private String otherEnrollmentId;
    private String otherSmsEnrollmentId;
    private String otherChallengeId;

    private final List<String> failures = new ArrayList<>();
    private Map<String, String> before;
    private Map<String, Integer> eventsBefore;
    private int requests;

    @BeforeAll
    void setUp() {
        org = Users.newOrg("bad");
        otherOrg = Users.newOrg("bad-other");
        victim = Users.create(org, "victim");
        other = Users.create(otherOrg, "other");
        expect(
                Http.put(ENROLLMENT_API + "/orgs/" + org + "/mfa-policy")
                        .bearer(TestUser.adminToken(org))
                        .json(Map.of(
                                "enabled",
                                true,
                                "enforcementDeadline",
                                Instant.now().plus(Duration.ofDays(20)).toString()))
                        .send(),
                200);
        victim.awaitRequirement("OPTIONAL");
        victimDevice = victim.enrollTotp(null);
        victimFactorId = victim.mfa().path("factors").get(0).path("factorId").asText();
        victimAssertion = victim.signInTotp(victimDevice);
        victimChallengeId = victim.awaitChallenge("TOTP").path("challengeId").asText();
        victimReauth = victim.reauth();

        TotpDevice otherDevice = other.enrollTotp(null);
        otherFactorId = other.mfa().path("factors").get(0).path("factorId").asText();
        String otherAssertion = other.signInTotp(otherDevice);
        String otherReauth = other.reauth();
        otherEnrollmentId = other.startTotp(otherReauth, otherAssertion).enrollmentId();
        // An assertion authorises one change (CONTRACT §4): a second step with the recovery code for the second start
        // (another TOTP sign-in would wait for the next 30 s step).
        String rcChallenge =
                other.awaitChallenge("RECOVERY_CODE").path("challengeId").asText();
        Http.Reply rc = other.verifyReply(rcChallenge, "RECOVERY_CODE", other.recoveryCode());
        expect(rc, 200);
        Phones.Phone phone = Phones.next("US");
        Http.Reply sms =
                other.startSmsReply(otherReauth, rc.json().path("assertion").asText(), "US", phone.e164());
        expect(sms, 201);
        otherSmsEnrollmentId = sms.json().path("enrollmentId").asText();
        Stub.awaitCode(phone.e164(), 1, Stub.defaultWait());
        otherChallengeId = other.awaitChallenge("TOTP").path("challengeId").asText();

        // Let the set-up's own events settle (sign-ins reach enrollment-service as lastUsedAt).
        for (TestUser u : List.of(victim, other)) {
            Awaitility.await("lastUsedAt of " + u.userId())
                    .atMost(TestUser.PROPAGATION)
                    .until(() ->
                            !u.mfa().path("factors").get(0).path("lastUsedAt").isNull());
        }
        OrgAdmin.of(org); // the admin's own factor, for the resets' step-up (before the snapshot)
        EventLog.topic(dev.mfa.core.events.Topics.SMS_STATUS)
                .await(e -> other.userId().equals(e.dataText("userId")), 1, TestUser.PROPAGATION);
        Idle.await();
        before = snapshot();
        eventsBefore = eventCounts();
    }

    @Test
    @Order(1)
    @DisplayName("malformed JSON, wrong types, unknown fields, wrong content types: 4xx problems, nothing echoed")
    void malformedBodies() {
        bodies();
        assertNoFailures();
    }

    @Test
    @Order(2)
    @DisplayName("bodies over the 16 KiB limit: 413 problems")
    void hugeBodies() {
        huge();
        assertNoFailures();
    }

    @Test
    @Order(3)
    @DisplayName("malformed ids, unknown paths and methods, bad paging: 4xx problems")
    void badIdentifiers() {
        identifiers();
        assertNoFailures();
    }

    @Test
    @Order(4)
    @DisplayName("other users' and organisations' ids: 404 (403 for a plain user on admin calls), nothing touched")
    void otherPeoplesIds() {
        foreignIds();
        assertNoFailures();
    }

    @Test
    @Order(5)
    @DisplayName("every endpoint without, or with garbage, forged, expired, alg:none, tampered tokens: 401 problems")
    void badTokens() {
        tokens();
        assertNoFailures();
    }

    @Test
    @Order(6)
    @DisplayName("missing, foreign, forged or stale reauth tokens and MFA assertions: 401 problems")
    void badStepUp() {
        headers();
        assertNoFailures();
    }

    @Test
    @Order(7)
    @DisplayName("after all of it: no change of state, no event, nothing counted against the victim")
    void nothingChanged() {
        Idle.await(); // anything a bad request had written to an outbox is relayed and consumed by now
        assertThat(snapshot()).as("state after " + requests + " bad requests").isEqualTo(before);
        assertThat(eventCounts())
                .as("events keyed by the users and orgs involved")
                .isEqualTo(eventsBefore);

        // Nothing was counted against the victim: the password and a code still work at once, and the first wrong
        // code afterwards is the first failure.
        assertThat(victim.reauth()).isNotBlank();
        Http.Reply wrong = victim.verifyReply(victimChallengeId, "TOTP", victimDevice.wrongCode());
        expect(wrong, 401);
        assertThat(wrong.json().path("attemptsRemaining").asInt()).isEqualTo(Platform.FREE_FAILURES - 1);
        expect(victim.verifyReply(victimChallengeId, "TOTP", victimDevice.nextCode()), 200);
    }

    private void assertNoFailures() {
        List<String> found = new ArrayList<>(failures);
        failures.clear();
        assertThat(found).as("answers that broke the rules").isEmpty();
    }

    // ------------------------------------------------------------------------------------------ the requests

    private void bodies() {
        // A secret inside a malformed body must not be echoed back by a parser message.
        String leaky = "{\"password\":\"" + victim.password() + "\", \"code\": ";
        List<String> malformed = List.of(
                "{",
                "{\"password\":",
                leaky,
                "not json",
                "[1,2",
                "\u0000\u0001",
                "{\"a\":1}}",
                "null",
                "[]",
                "\"string\"",
                "42",
                "{\"code\":\"12\\u0000\"}");

        // POST /me/reauth
        String reauth = ENROLLMENT_API + "/me/reauth";
        for (String b : malformed) {
            check(victim.post(reauth).json(b).send(), 400, 422);
        }
        check(victim.post(reauth).json(Map.of("password", List.of("x"))).send(), 400, 422);
        check(victim.post(reauth).json(Map.of("password", Map.of("a", 1))).send(), 400, 422);
        check(victim.post(reauth).json(Map.of("passwrd", "x", "admin", true)).send(), 400, 422);
        check(victim.post(reauth).json(Map.of("password", "p".repeat(5000))).send(), 400, 413, 422);
        check(
                victim.post(reauth)
                        .header("Content-Type", "text/plain")
                        .body("password=" + victim.password())
                        .send(),
                415,
                400);
        check(victim.post(reauth).send(), 400, 415);

        // POST /me/mfa/sms
        String sms = ENROLLMENT_API + "/me/mfa/sms";
        for (String b : malformed) {
            check(
                    victim.post(sms)
                            .header(TestUser.REAUTH, victimReauth)
                            .header(TestUser.ASSERTION, victimAssertion)
                            .json(b)
                            .send(),
                    400,
                    422);
        }
        for (Object body : List.of(
                Map.of("countryCode", List.of("US"), "phoneNumber", "2015550123"),
                Map.of("countryCode", "US", "phoneNumber", Map.of("n", 1)),
                Map.of("countryCode", "USA", "phoneNumber", "2015550123"),
                Map.of("countryCode", "US", "phoneNumber", "1".repeat(3000)),
                Map.of("countryCode", "US", "phoneNumber", "+1 201 555 01<script>"),
                Map.of("countryCode", "US", "phoneNumber", "900-555-0123"),
                Map.of("countryCode", "RU", "phoneNumber", "+79123456789"),
                Map.of("countryCode", "US"))) {
            check(
                    victim.post(sms)
                            .header(TestUser.REAUTH, victimReauth)
                            .header(TestUser.ASSERTION, victimAssertion)
                            .json(body)
                            .send(),
                    400,
                    422);
        }

        // POST /me/mfa/enrollments/{id}/confirm (the other user's pending enrollment: the victim cannot touch it)
        String confirm = ENROLLMENT_API + "/me/mfa/enrollments/" + otherEnrollmentId + "/confirm";
        for (String b : malformed) {
            check(victim.post(confirm).json(b).send(), 400, 404, 422);
        }
        for (Object body : List.of(
                Map.of("code", List.of("123456")),
                Map.of("code", "12345a"),
                Map.of("code", "1".repeat(10_000)),
                Map.of("kode", "123456"),
                Map.of("code", "١٢٣٤٥٦"))) {
            check(victim.post(confirm).json(body).send(), 400, 404, 422);
        }

        // PUT /orgs/{org}/mfa-policy
        String policy = ENROLLMENT_API + "/orgs/" + org + "/mfa-policy";
        String admin = TestUser.adminToken(org);
        for (String b : malformed) {
            check(Http.put(policy).bearer(admin).json(b).send(), 400, 422);
        }
        for (Object body : List.of(
                Map.of("enabled", "yes"),
                Map.of("enabled", List.of(true)),
                Map.of("enabled", true, "enforcementDeadline", "tomorrow"),
                Map.of("enabled", true, "enforcementDeadline", 12),
                Map.of("enabled", true, "enforcementDeadline", "2001-01-01T00:00:00Z"),
                Map.of("enabled", true, "enforcementDeadline", "9999-01-01T00:00:00Z"),
                Map.of(
                        "enabled",
                        true,
                        "enforcementDeadline",
                        Instant.now().plus(Duration.ofDays(3)).toString(),
                        "allowedMethods",
                        "TOTP"),
                Map.of(
                        "enabled",
                        true,
                        "enforcementDeadline",
                        Instant.now().plus(Duration.ofDays(3)).toString(),
                        "allowedMethods",
                        List.of("PIGEON")),
                Map.of(
                        "enabled",
                        true,
                        "enforcementDeadline",
                        Instant.now().plus(Duration.ofDays(3)).toString(),
                        "allowedMethods",
                        List.of()),
                Map.of("enabledd", true))) {
            check(Http.put(policy).bearer(admin).json(body).send(), 400, 422);
        }

        // POST /challenges/{id}/verify (the victim's own open challenge: nothing may count as an attempt)
        String verify = VERIFICATION_API + "/challenges/" + victimChallengeId + "/verify";
        for (String b : malformed) {
            check(victim.post(verify).json(b).send(), 400, 422);
        }
        for (Object body : List.of(
                Map.of("method", List.of("TOTP"), "code", "123456"),
                Map.of("method", "TOTP", "code", List.of("123456")),
                Map.of("method", "TOTP", "code", Map.of()),
                Map.of("method", "PASSWORD", "code", "123456"),
                Map.of("method", "TOTP"),
                Map.of("method", "TOTP", "code", ""),
                Map.of("method", "TOTP", "code", "9".repeat(5000)),
                Map.of("mehtod", "TOTP", "kode", "123456"))) {
            check(victim.post(verify).json(body).send(), 400, 422);
        }
        check(
                victim.post(verify)
                        .header("Content-Type", "text/plain")
                        .body("TOTP 123456")
                        .send(),
                400,
                415);
    }

    private void huge() {
        String big = "x".repeat(20 * 1024);
        String huge = "y".repeat(1024 * 1024);
        String reauth = ENROLLMENT_API + "/me/reauth";
        check(victim.post(reauth).json("{\"password\":\"" + big + "\"}").send(), 413);
        checkHuge(victim.post(reauth).json("{\"password\":\"" + huge + "\"}"));
        String sms = ENROLLMENT_API + "/me/mfa/sms";
        check(
                victim.post(sms)
                        .header(TestUser.REAUTH, victimReauth)
                        .header(TestUser.ASSERTION, victimAssertion)
                        .json("{\"countryCode\":\"US\",\"phoneNumber\":\"" + big + "\"}")
                        .send(),
                413);
        checkHuge(victim.post(sms)
                .header(TestUser.REAUTH, victimReauth)
                .header(TestUser.ASSERTION, victimAssertion)
                .json("{\"countryCode\":\"US\",\"phoneNumber\":\"" + huge + "\"}"));
        checkHuge(victim.post(ENROLLMENT_API + "/me/mfa/enrollments/" + otherEnrollmentId + "/confirm")
                .json("{\"code\":\"" + huge + "\"}"));
        checkHuge(Http.put(ENROLLMENT_API + "/orgs/" + org + "/mfa-policy")
                .bearer(TestUser.adminToken(org))
                .json("{\"enabled\":true,\"x\":\"" + huge + "\"}"));
        String verify = VERIFICATION_API + "/challenges/" + victimChallengeId + "/verify";
        check(
                victim.post(verify)
                        .json("{\"method\":\"TOTP\",\"code\":\"" + big + "\"}")
                        .send(),
                413);
        checkHuge(victim.post(verify).json("{\"method\":\"TOTP\",\"code\":\"" + huge + "\"}"));
    }

    private void identifiers() {
        // The admin's step-up, so that the reset calls reach the id checks (none of them changes anything).
        String adminAssertion = OrgAdmin.assertion(org);
        List<String> badIds = List.of(
                "not-a-uuid",
                "..%2F..%2Fetc%2Fpasswd",
                "00000000-0000-0000-0000-000000000000",
                UUID.randomUUID().toString(),
                "%27%20or%201%3D1--",
                "a".repeat(3000),
                UUID.randomUUID() + "x");
        for (String id : badIds) {
            check(
                    victim.get(ENROLLMENT_API + "/me/mfa/enrollments/" + id + "/qr.png")
                            .header(TestUser.REAUTH, victimReauth)
                            .send(),
                    404,
                    400,
                    414,
                    431);
            check(
                    victim.post(ENROLLMENT_API + "/me/mfa/enrollments/" + id + "/resend")
                            .send(),
                    404,
                    400,
                    414,
                    431);
            check(
                    victim.post(ENROLLMENT_API + "/me/mfa/enrollments/" + id + "/confirm")
                            .json(Map.of("code", "123456"))
                            .send(),
                    404,
                    400,
                    414,
                    431);
            check(
                    Http.delete(ENROLLMENT_API + "/me/mfa/factors/" + id)
                            .bearer(victim.token())
                            .header(TestUser.REAUTH, victimReauth)
                            .header(TestUser.ASSERTION, victimAssertion)
                            .send(),
                    404,
                    400,
                    414,
                    431);
            check(victim.post(VERIFICATION_API + "/challenges/" + id + "/sms").send(), 404, 400, 414, 431);
            check(
                    victim.post(VERIFICATION_API + "/challenges/" + id + "/verify")
                            .json(Map.of("method", "TOTP", "code", "123456"))
                            .send(),
                    404,
                    400,
                    414,
                    431);
            check(
                    Http.post(ENROLLMENT_API + "/orgs/" + org + "/users/" + id + "/mfa-reset")
                            .bearer(TestUser.adminToken(org))
                            .header(TestUser.ASSERTION, adminAssertion)
                            .send(),
                    404,
                    400,
                    414,
                    431);
        }
        String report = ENROLLMENT_API + "/orgs/" + org + "/mfa-report";
        for (String q : List.of("?page=-1", "?size=0", "?size=100000", "?page=abc", "?size=1e3", "?page=99999999999")) {
            check(Http.get(report + q).bearer(TestUser.adminToken(org)).send(), 400, 422);
        }
        check(victim.get(ENROLLMENT_API + "/no-such-endpoint").send(), 404);
        check(
                Http.method("PATCH", ENROLLMENT_API + "/me/mfa")
                        .bearer(victim.token())
                        .json("{}")
                        .send(),
                405,
                404);
    }

    private void foreignIds() {
        // The victim on the other user's enrollments, factor and challenge (with a valid-looking code).
        check(
                victim.get(ENROLLMENT_API + "/me/mfa/enrollments/" + otherEnrollmentId + "/qr.png")
                        .header(TestUser.REAUTH, victimReauth)
                        .send(),
                404);
        check(
                victim.post(ENROLLMENT_API + "/me/mfa/enrollments/" + otherSmsEnrollmentId + "/resend")
                        .send(),
                404);
        check(
                victim.post(ENROLLMENT_API + "/me/mfa/enrollments/" + otherSmsEnrollmentId + "/confirm")
                        .json(Map.of("code", "123456"))
                        .send(),
                404);
        check(
                Http.delete(ENROLLMENT_API + "/me/mfa/factors/" + otherFactorId)
                        .bearer(victim.token())
                        .header(TestUser.REAUTH, victimReauth)
                        .header(TestUser.ASSERTION, victimAssertion)
                        .send(),
                404);
        check(
                victim.post(VERIFICATION_API + "/challenges/" + otherChallengeId + "/sms")
                        .send(),
                404);
        check(
                victim.post(VERIFICATION_API + "/challenges/" + otherChallengeId + "/verify")
                        .json(Map.of("method", "TOTP", "code", "123456"))
                        .send(),
                404);
        // The victim's org admin on the other org, and on a user of the other org through their own org.
        String admin = TestUser.adminToken(org);
        check(
                Http.get(ENROLLMENT_API + "/orgs/" + otherOrg + "/mfa-policy")
                        .bearer(admin)
                        .send(),
                404);
        check(
                Http.put(ENROLLMENT_API + "/orgs/" + otherOrg + "/mfa-policy")
                        .bearer(admin)
                        .json(Map.of("enabled", false))
                        .send(),
                404);
        check(
                Http.get(ENROLLMENT_API + "/orgs/" + otherOrg + "/mfa-report")
                        .bearer(admin)
                        .send(),
                404);
        check(
                Http.post(ENROLLMENT_API + "/orgs/" + otherOrg + "/users/" + other.userId() + "/mfa-reset")
                        .bearer(admin)
                        .send(),
                404);
        check(
                Http.post(ENROLLMENT_API + "/orgs/" + org + "/users/" + other.userId() + "/mfa-reset")
                        .bearer(admin)
                        .header(TestUser.ASSERTION, OrgAdmin.assertion(org))
                        .send(),
                404);
        // A plain user on admin endpoints of their own org: forbidden, without details.
        check(victim.get(ENROLLMENT_API + "/orgs/" + org + "/mfa-policy").send(), 403);
        check(
                Http.put(ENROLLMENT_API + "/orgs/" + org + "/mfa-policy")
                        .bearer(victim.token())
                        .json(Map.of("enabled", false))
                        .send(),
                403);
        check(
                victim.post(ENROLLMENT_API + "/orgs/" + org + "/users/" + victim.userId() + "/mfa-reset")
                        .send(),
                403);
        // The other user's step-up proofs do not work for the victim.
        String otherReauth = other.reauth();
        check(
                victim.post(ENROLLMENT_API + "/me/mfa/authenticator-app")
                        .header(TestUser.REAUTH, otherReauth)
                        .header(TestUser.ASSERTION, victimAssertion)
                        .send(),
                401);
    }

    private void tokens() {
        Instant past = Instant.now().minus(Duration.ofHours(2));
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("none", null);
        bad.put("garbage", "not-a-jwt");
        bad.put(
                "forged (assertion key)",
                TestTokens.builder(victim.userId(), org)
                        .signedWith(TestTokens.ASSERTION_PRIVATE_KEY)
                        .sign());
        bad.put(
                "expired",
                TestTokens.builder(victim.userId(), org)
                        .expiresAt(past)
                        .claim("iat", past.minusSeconds(3600).getEpochSecond())
                        .sign());
        bad.put(
                "wrong issuer",
                TestTokens.builder(victim.userId(), org)
                        .claim("iss", "https://evil.example")
                        .sign());
        bad.put("alg none", unsigned(victim.userId(), org));
        bad.put("MFA assertion as access token", victimAssertion);
        bad.put("tampered", tamper(victim.token()));

        List<Http.Request> calls = new ArrayList<>();
        for (Map.Entry<String, String> t : bad.entrySet()) {
            String token = t.getValue();
            calls.clear();
            calls.add(
                    Http.post(ENROLLMENT_API + "/me/reauth").bearer(token).json(Map.of("password", victim.password())));
            calls.add(Http.get(ENROLLMENT_API + "/me/mfa").bearer(token));
            calls.add(Http.post(ENROLLMENT_API + "/me/mfa/authenticator-app")
                    .bearer(token)
                    .header(TestUser.REAUTH, victimReauth)
                    .header(TestUser.ASSERTION, victimAssertion));
            calls.add(Http.get(ENROLLMENT_API + "/me/mfa/enrollments/" + otherEnrollmentId + "/qr.png")
                    .bearer(token));
            calls.add(Http.post(ENROLLMENT_API + "/me/mfa/sms")
                    .bearer(token)
                    .header(TestUser.REAUTH, victimReauth)
                    .json(Map.of("countryCode", "US", "phoneNumber", "2015550123")));
            calls.add(Http.post(ENROLLMENT_API + "/me/mfa/enrollments/" + otherSmsEnrollmentId + "/resend")
                    .bearer(token));
            calls.add(Http.post(ENROLLMENT_API + "/me/mfa/enrollments/" + otherEnrollmentId + "/confirm")
                    .bearer(token)
                    .json(Map.of("code", "123456")));
            calls.add(Http.get(ENROLLMENT_API + "/me/mfa/factors").bearer(token));
            calls.add(Http.delete(ENROLLMENT_API + "/me/mfa/factors/" + victimFactorId)
                    .bearer(token)
                    .header(TestUser.REAUTH, victimReauth)
                    .header(TestUser.ASSERTION, victimAssertion));
            calls.add(Http.post(ENROLLMENT_API + "/me/mfa/recovery-code")
                    .bearer(token)
                    .header(TestUser.REAUTH, victimReauth)
                    .header(TestUser.ASSERTION, victimAssertion));
            calls.add(Http.get(ENROLLMENT_API + "/sms-countries").bearer(token));
            calls.add(Http.get(ENROLLMENT_API + "/orgs/" + org + "/mfa-policy").bearer(token));
            calls.add(Http.put(ENROLLMENT_API + "/orgs/" + org + "/mfa-policy")
                    .bearer(token)
                    .json(Map.of("enabled", false)));
            calls.add(Http.get(ENROLLMENT_API + "/orgs/" + org + "/mfa-report").bearer(token));
            calls.add(Http.post(ENROLLMENT_API + "/orgs/" + org + "/users/" + victim.userId() + "/mfa-reset")
                    .bearer(token));
            calls.add(Http.post(VERIFICATION_API + "/challenges").bearer(token));
            calls.add(Http.post(VERIFICATION_API + "/challenges/" + victimChallengeId + "/sms")
                    .bearer(token));
            calls.add(Http.post(VERIFICATION_API + "/challenges/" + victimChallengeId + "/verify")
                    .bearer(token)
                    .json(Map.of("method", "TOTP", "code", "123456")));
            for (Http.Request call : calls) {
                check(call.send(), 401);
            }
        }
    }

    private void headers() {
        String start = ENROLLMENT_API + "/me/mfa/authenticator-app";
        String forgedAssertion = TestTokens.builder(victim.userId(), org)
                .claim("iss", TestTokens.ASSERTION_ISSUER)
                .claim("aud", "mfa")
                .claim("amr", List.of("otp"))
                .sign(); // signed with the access-token key
        String foreignAssertion = TestTokens.builder(other.userId(), otherOrg)
                .claim("iss", TestTokens.ASSERTION_ISSUER)
                .claim("aud", "mfa")
                .claim("amr", List.of("otp"))
                .signedWith(TestTokens.ASSERTION_PRIVATE_KEY)
                .sign();
        String oldAssertion = TestTokens.builder(victim.userId(), org)
                .claim("iss", TestTokens.ASSERTION_ISSUER)
                .claim("aud", "mfa")
                .claim("amr", List.of("otp"))
                .claim("iat", Instant.now().minus(Duration.ofMinutes(30)).getEpochSecond())
                .expiresAt(Instant.now().plus(Duration.ofMinutes(5)))
                .signedWith(TestTokens.ASSERTION_PRIVATE_KEY)
                .sign();
        for (String[] h : List.of(
                new String[] {null, victimAssertion},
                new String[] {"garbage", victimAssertion},
                new String[] {"r".repeat(6000), victimAssertion},
                new String[] {victimReauth, null},
                new String[] {victimReauth, "garbage"},
                new String[] {victimReauth, forgedAssertion},
                new String[] {victimReauth, foreignAssertion},
                new String[] {victimReauth, oldAssertion},
                new String[] {victimReauth, "a".repeat(6000)})) {
            check(
                    victim.post(start)
                            .header(TestUser.REAUTH, h[0])
                            .header(TestUser.ASSERTION, h[1])
                            .send(),
                    401,
                    400,
                    431);
            check(
                    victim.post(ENROLLMENT_API + "/me/mfa/recovery-code")
                            .header(TestUser.REAUTH, h[0])
                            .header(TestUser.ASSERTION, h[1])
                            .send(),
                    401,
                    400,
                    431);
            check(
                    Http.delete(ENROLLMENT_API + "/me/mfa/factors/" + victimFactorId)
                            .bearer(victim.token())
                            .header(TestUser.REAUTH, h[0])
                            .header(TestUser.ASSERTION, h[1])
                            .send(),
                    401,
                    400,
                    431);
        }
    }

    // ------------------------------------------------------------------------------------------ checks

    /** An answer to a bad request: one of the expected 4xx, a problem+json body, no secret. */
    private void check(Http.Reply r, int... expected) {
        requests++;
        List<String> why = new ArrayList<>();
        boolean statusOk = false;
        for (int e : expected) {
            statusOk |= r.status() == e;
        }
        if (!statusOk) {
            why.add("status " + r.status() + " not in " + java.util.Arrays.toString(expected));
        }
        if (r.status() >= 500) {
            why.add("server error");
        }
        if (!r.isProblem()) {
            why.add("content type '" + r.contentType() + "' is not " + Http.PROBLEM_JSON);
        } else {
            JsonNode p = r.json();
            if (p.path("status").asInt() != r.status()
                    || p.path("title").asText("").isEmpty()
                    || p.path("type").asText("").isEmpty()) {
                why.add("problem without matching status/title/type");
            }
        }
        List<String> leaks = Secrets.leaks(r.text());
        if (!leaks.isEmpty()) {
            why.add("secret in the answer: " + leaks);
        }
        if (r.status() == 429 && r.header("Retry-After") == null) {
            why.add("429 without Retry-After");
        }
        if (!why.isEmpty()) {
            failures.add(String.join("; ", why) + " — " + abbreviate(r));
        }
    }

    /** A body far over the 16 KiB limit: a 413 problem, or the connection closed before the body was read. */
    private void checkHuge(Http.Request request) {
        try {
            check(request.send(), 413);
        } catch (java.io.UncheckedIOException e) {
            requests++; // the server refused to read it; nothing reached the application
        }
    }

    private static String abbreviate(Http.Reply r) {
        String url = r.url().length() > 160 ? r.url().substring(0, 160) + "…" : r.url();
        String body = r.text().length() > 300 ? r.text().substring(0, 300) + "…" : r.text();
        return r.method() + " " + url + (r.request().isEmpty() ? "" : " " + r.request()) + " -> " + r.status() + " "
                + r.contentType() + " " + body;
    }

    private Map<String, String> snapshot() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("victim /me/mfa", victim.mfa().toString());
        s.put(
                "victim factors",
                victim.get(ENROLLMENT_API + "/me/mfa/factors").send().text());
        s.put("other /me/mfa", other.mfa().toString());
        for (String o : List.of(org, otherOrg)) {
            String admin = TestUser.adminToken(o);
            s.put(
                    o + " policy",
                    Http.get(ENROLLMENT_API + "/orgs/" + o + "/mfa-policy")
                            .bearer(admin)
                            .send()
                            .text());
            s.put(
                    o + " report",
                    Http.get(ENROLLMENT_API + "/orgs/" + o + "/mfa-report")
                            .bearer(admin)
                            .send()
                            .text());
        }
        return s;
    }

    private Map<String, Integer> eventCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        List<String> keys = List.of(victim.userId(), other.userId(), org, otherOrg);
        for (String topic : EventLog.allTopics()) {
            counts.put(
                    topic,
                    EventLog.topic(topic)
                            .events(e -> keys.contains(e.key())
                                    || (e.value() != null
                                            && (e.value().contains(victim.userId())
                                                    || e.value().contains(other.userId()))))
                            .size());
        }
        return counts;
    }

    private static String unsigned(String sub, String org) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = Instant.now().getEpochSecond();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"iss\":\"" + TestTokens.DEV_ISSUER + "\",\"sub\":\"" + sub
                        + "\",\"org\":\"" + org + "\",\"groups\":[\"user\",\"org-admin\"],\"iat\":" + now + ",\"exp\":"
                        + (now + 3600) + "}")
                .getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + ".";
    }

    /** The victim's own token with the payload changed to make them an admin: the signature no longer matches. */
    private static String tamper(String token) {
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"groups\":[\"user\"]", "\"groups\":[\"user\",\"org-admin\"]");
        return parts[0] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + parts[2];
    }
}
