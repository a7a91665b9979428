package dev.mfa.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.crypto.SealedField;
import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.enrollment.service.PhoneNumbersTest;
import dev.mfa.enrollment.support.Api;
import dev.mfa.enrollment.support.Bus;
import dev.mfa.enrollment.support.Db;
import dev.mfa.localstack.testing.TestClock;
import dev.mfa.localstack.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SMS enrollment: validation, the encrypted code in mfa.sms.requested, resend pacing, expiry, confirmation. */
@QuarkusTest
class SmsIT {

    private static final String ORG = "sms-org";
    private static final String START = "/api/v1/me/mfa/sms";
    private static final String US_NUMBER = "(201) 555-0123";

    @Inject
    FieldKeys keys;

    @AfterEach
    void resetClock() {
        TestClock.get().reset();
    }

    @Test
    void enrollsAPhoneWithTheCodeSentEncryptedThroughTheOutbox() {
        String user = "sms-" + UUID.randomUUID();
        var started = start(user, "US", US_NUMBER);
        String id = started.path("enrollmentId");
        assertThat((String) started.path("phoneMasked"))
                .isEqualTo("+1 \u2022\u2022\u2022 \u2022\u2022\u2022 \u2022\u202223");
        Instant now = TestClock.get().instant();
        assertThat(Duration.between(now, Instant.parse(started.path("expiresAt"))))
                .isBetween(Duration.ofMinutes(9), Duration.ofMinutes(10));
        assertThat(Duration.between(now, Instant.parse(started.path("resendAvailableAt"))))
                .isBetween(Duration.ofSeconds(25), Duration.ofSeconds(30));

        CloudEvent event = Bus.await(Topics.SMS_REQUESTS, user, EventTypes.SMS_REQUESTED, 1)
                .get(0);
        String raw = Bus.CODEC.encode(event);
        assertThat(raw).doesNotContain("2015550123");
        var sms = Bus.data(event, Events.SmsRequested.class);
        assertThat(sms.purpose()).isEqualTo("ENROLLMENT");
        assertThat(sms.country()).isEqualTo("US");
        assertThat(keys.open(SealedField.PHONE, sms.userId(), sms.to())).isEqualTo("+12015550123");
        String code = keys.open(SealedField.SMS_CODE, sms.userId(), sms.code());
        assertThat(code).matches("\\d{6}");
        assertThat(raw).doesNotContain("\"" + code + "\"");
        // At rest: the code only hashed, the phone only encrypted.
        var row = Db.query("select code_hash, phone from enrollment where enrollment_id = ?::uuid", id)
                .get(0);
        assertThat((String) row.get(0)).startsWith("h1:").doesNotContain(code);
        assertThat((String) row.get(1)).startsWith("v1:");

        var confirmed = Api.user(user, ORG)
                .body(Map.of("code", code))
                .post("/api/v1/me/mfa/enrollments/" + id + "/confirm")
                .then()
                .statusCode(200)
                .body("factor.method", equalTo("SMS"))
                .body("factor.phoneMasked", equalTo("+1 \u2022\u2022\u2022 \u2022\u2022\u2022 \u2022\u202223"))
                .body("recoveryCode", org.hamcrest.Matchers.notNullValue())
                .extract();
        var enrolled = Bus.data(
                Bus.await(Topics.FACTORS, user, EventTypes.FACTOR_ENROLLED, 1).get(0), Events.FactorEnrolled.class);
        assertThat(enrolled.method()).isEqualTo("SMS");
        assertThat(keys.open(SealedField.PHONE, enrolled.userId(), enrolled.phone()))
                .isEqualTo("+12015550123");
        assertThat(enrolled.phoneMasked()).isEqualTo(confirmed.path("factor.phoneMasked"));
        assertThat(enrolled.country()).isEqualTo("US");
        assertThat(enrolled.totpSecret()).isNull();
        assertThat((String) Db.single("select phone from factor where user_id = ?", user))
                .startsWith("v1:");
    }

    @Test
    void anUndeliverableCodeFromNotificationServiceLiftsTheResendWait() {
        String user = "sms-failed-" + UUID.randomUUID();
        String id = start(user, "US", US_NUMBER).path("enrollmentId");
        String resend = "/api/v1/me/mfa/enrollments/" + id + "/resend";
        UUID requestId = Bus.data(
                        Bus.await(Topics.SMS_REQUESTS, user, EventTypes.SMS_REQUESTED, 1)
                                .get(0),
                        Events.SmsRequested.class)
                .requestId();

        // A failure of some other request (e.g. an older, replaced code) changes nothing.
        CloudEvent unrelated = Bus.publish(
                Topics.SMS_STATUS,
                new Events.SmsFailed(UUID.randomUUID(), user, "invalid_number", true, Instant.now()));
        Db.awaitProcessed(unrelated.id());
        Api.problem(Api.user(user, ORG).post(resend).then(), 429, "resend-too-soon");

        // Well within the 30 s wait (real time plus the test clock's offset): only the failure can allow it.
        CloudEvent failed =
                Bus.publish(Topics.SMS_STATUS, new Events.SmsFailed(requestId, user, "expired", false, Instant.now()));
        Db.awaitProcessed(failed.id());
        Api.user(user, ORG).post(resend).then().statusCode(202);
        assertThat(Bus.await(Topics.SMS_REQUESTS, user, EventTypes.SMS_REQUESTED, 2))
                .hasSize(2);
    }

    @Test
    void resendWaitsThirtySecondsDoublingReplacesTheCodeAndStopsAfterFiveSends() {
        String user = "sms-resend-" + UUID.randomUUID();
        var started = start(user, "US", US_NUMBER);
        String id = started.path("enrollmentId");
        String resend = "/api/v1/me/mfa/enrollments/" + id + "/resend";
        String first = lastCode(user, 1);

        var early = Api.problem(Api.user(user, ORG).post(resend).then(), 429, "resend-too-soon")
                .extract();
        assertThat(Long.parseLong(early.header("Retry-After"))).isBetween(1L, 31L);

        long[] waits = {30, 60, 120, 240};
        for (int send = 2; send <= 5; send++) {
            TestClock.get().advance(Duration.ofSeconds(waits[send - 2] - 5));
            Api.problem(Api.user(user, ORG).post(resend).then(), 429, "resend-too-soon");
            TestClock.get().advance(Duration.ofSeconds(6));
            var ok = Api.user(user, ORG).post(resend).then().statusCode(202).extract();
            Instant next = Instant.parse(ok.path("resendAvailableAt"));
            if (send < 5) {
                assertThat(Duration.between(TestClock.get().instant(), next).toSeconds())
                        .isBetween(waits[send - 1] - 2, waits[send - 1]);
            }
            lastCode(user, send);
        }
        TestClock.get().advance(Duration.ofMinutes(5));
        Api.problem(Api.user(user, ORG).post(resend).then(), 429, "too-many-sends");
        assertThat(Bus.events(Topics.SMS_REQUESTS, user)).hasSize(5);

        // Only the last code works; the first one was replaced.
        String last = lastCode(user, 5);
        if (!first.equals(last)) {
            Api.problem(
                    Api.user(user, ORG)
                            .body(Map.of("code", first))
                            .post("/api/v1/me/mfa/enrollments/" + id + "/confirm")
                            .then(),
                    422,
                    "wrong-code");
        }
        Api.user(user, ORG)
                .body(Map.of("code", last))
                .post("/api/v1/me/mfa/enrollments/" + id + "/confirm")
                .then()
                .statusCode(200);
    }

    @Test
    void codeExpiresAfterTenMinutesAndFiveWrongTriesFailTheEnrollment() {
        String user = "sms-exp-" + UUID.randomUUID();
        String id = start(user, "US", US_NUMBER).path("enrollmentId");
        String code = lastCode(user, 1);
        TestClock.get().advance(Duration.ofMinutes(10).plusSeconds(1));
        Api.problem(
                Api.user(user, ORG)
                        .body(Map.of("code", code))
                        .post("/api/v1/me/mfa/enrollments/" + id + "/confirm")
                        .then(),
                410,
                "enrollment-expired");
        Api.problem(
                Api.user(user, ORG)
                        .post("/api/v1/me/mfa/enrollments/" + id + "/resend")
                        .then(),
                410,
                "enrollment-expired");
        TestClock.get().reset();

        String user2 = "sms-tries-" + UUID.randomUUID();
        String id2 = start(user2, "US", US_NUMBER).path("enrollmentId");
        String good = lastCode(user2, 1);
        String wrong = good.equals("000000") ? "111111" : "000000";
        for (int remaining = 4; remaining >= 0; remaining--) {
            Api.problem(
                            Api.user(user2, ORG)
                                    .body(Map.of("code", wrong))
                                    .post("/api/v1/me/mfa/enrollments/" + id2 + "/confirm")
                                    .then(),
                            422,
                            "wrong-code")
                    .body("attemptsRemaining", equalTo(remaining));
        }
        Api.problem(
                Api.user(user2, ORG)
                        .body(Map.of("code", good))
                        .post("/api/v1/me/mfa/enrollments/" + id2 + "/confirm")
                        .then(),
                410,
                "enrollment-failed");
        Api.problem(
                Api.user(user2, ORG)
                        .post("/api/v1/me/mfa/enrollments/" + id2 + "/resend")
                        .then(),
                410,
                "enrollment-failed");
    }

    @Test
    void refusedNumbersAndCountriesAre422AndSendNothing() {
        String user = "sms-bad-" + UUID.randomUUID();
        String reauth = Api.reauth(user, ORG);
        refuse(user, reauth, Map.of("countryCode", "USA", "phoneNumber", US_NUMBER), "invalid-country", "countryCode");
        refuse(
                user,
                reauth,
                Map.of("countryCode", "RU", "phoneNumber", "+7 912 345 67 89"),
                "country-not-allowed",
                "countryCode");
        refuse(
                user,
                reauth,
                Map.of("countryCode", "GB", "phoneNumber", PhoneNumbersTest.example("GB", PhoneNumberType.FIXED_LINE)),
                "phone-number-type-not-allowed",
                "phoneNumber");
        refuse(
                user,
                reauth,
                Map.of("countryCode", "US", "phoneNumber", PhoneNumbersTest.example("US", PhoneNumberType.TOLL_FREE)),
                "phone-number-type-not-allowed",
                "phoneNumber");
        refuse(user, reauth, Map.of("countryCode", "US", "phoneNumber", "12"), "invalid-phone-number", "phoneNumber");
        refuse(
                user,
                reauth,
                Map.of("countryCode", "US", "phoneNumber", "+44 7400 123456"),
                "phone-number-country-mismatch",
                "phoneNumber");
        refuse(user, reauth, Map.of("countryCode", "US"), "invalid-phone-number", "phoneNumber");
        Api.problem(
                Api.user(user, ORG).header("X-Reauth-Token", reauth).post(START).then(), 400, "invalid-request");
        Api.user(user, ORG)
                .header("X-Reauth-Token", reauth)
                .body("{\"countryCode\": [1]}")
                .post(START)
                .then()
                .statusCode(400)
                .contentType(Api.PROBLEM_JSON);
        Api.problem(
                Api.user(user, ORG)
                        .body(Map.of("countryCode", "US", "phoneNumber", US_NUMBER))
                        .post(START)
                        .then(),
                401,
                "reauth-required");
        // A payee: the United States only.
        String payee = "sms-payee-" + UUID.randomUUID();
        String payeeReauth = Api.reauth(payee, ORG);
        Api.problem(
                        Api.as(TestTokens.payee(payee, ORG))
                                .header("X-Reauth-Token", payeeReauth)
                                .body(Map.of("countryCode", "GB", "phoneNumber", "+44 7400 123456"))
                                .post(START)
                                .then(),
                        422,
                        "country-not-allowed")
                .body("field", equalTo("countryCode"))
                .body("detail", org.hamcrest.Matchers.containsString("United States"));
        Api.as(TestTokens.payee(payee, ORG))
                .header("X-Reauth-Token", payeeReauth)
                .body(Map.of("countryCode", "US", "phoneNumber", US_NUMBER))
                .post(START)
                .then()
                .statusCode(201);

        assertThat(Db.count("select count(*) from enrollment where user_id = ?", user))
                .isZero();
        assertThat(Bus.events(Topics.SMS_REQUESTS, user)).isEmpty();
    }

    @Test
    void smsCountriesDependOnTheCallerAndTheOrgPolicy() {
        Api.user("sms-c-" + UUID.randomUUID(), ORG)
                .get("/api/v1/sms-countries")
                .then()
                .statusCode(200)
                .body("country", hasItem("US"))
                .body("country", hasItem("GB"))
                .body("find { it.country == 'US' }.callingCode", equalTo("+1"))
                .body("find { it.country == 'US' }.name", equalTo("United States"));
        Api.as(TestTokens.payee("sms-c-payee", ORG))
                .get("/api/v1/sms-countries")
                .then()
                .statusCode(200)
                .body("$", hasSize(1))
                .body("[0].country", equalTo("US"));
        Api.user("sms-c-" + UUID.randomUUID(), ORG)
                .get("/api/v1/me/mfa")
                .then()
                .statusCode(200)
                .body("smsCountries.country", hasItem("US"));
        io.restassured.RestAssured.given().get("/api/v1/sms-countries").then().statusCode(401);

        // An org that allows only authenticator apps offers no SMS.
        String org = "sms-totp-only-" + UUID.randomUUID();
        Api.as(TestTokens.orgAdmin("admin", org))
                .body(Map.of(
                        "enabled",
                        true,
                        "enforcementDeadline",
                        Instant.now().plus(Duration.ofDays(30)).toString(),
                        "allowedMethods",
                        List.of("TOTP")))
                .put("/api/v1/orgs/" + org + "/mfa-policy")
                .then()
                .statusCode(200);
        String user = "sms-no-" + UUID.randomUUID();
        Api.user(user, org).get("/api/v1/sms-countries").then().statusCode(200).body("$", hasSize(0));
        Api.problem(
                Api.user(user, org)
                        .header("X-Reauth-Token", Api.reauth(user, org))
                        .body(Map.of("countryCode", "US", "phoneNumber", US_NUMBER))
                        .post(START)
                        .then(),
                422,
                "method-not-allowed");
        Api.user(user, org)
                .get("/api/v1/me/mfa")
                .then()
                .body("smsCountries", hasSize(0))
                .body("requirement", not(equalTo("NOT_REQUIRED")));
    }

    // ------------------------------------------------------------------------------------------ helpers

    static io.restassured.response.ExtractableResponse<io.restassured.response.Response> start(
            String user, String country, String number) {
        String reauth = Api.reauth(user, ORG);
        return Api.user(user, ORG)
                .header("X-Reauth-Token", reauth)
                .body(Map.of("countryCode", country, "phoneNumber", number))
                .post(START)
                .then()
                .statusCode(201)
                .extract();
    }

    /** The code of the n-th SMS sent to the user (waits until it is on the broker). */
    String lastCode(String user, int n) {
        List<CloudEvent> sent = Bus.await(Topics.SMS_REQUESTS, user, EventTypes.SMS_REQUESTED, n);
        return keys.open(
                SealedField.SMS_CODE,
                user,
                Bus.data(sent.get(n - 1), Events.SmsRequested.class).code());
    }

    private void refuse(String user, String reauth, Map<String, String> body, String slug, String field) {
        Api.problem(
                        Api.user(user, ORG)
                                .header("X-Reauth-Token", reauth)
                                .body(body)
                                .post(START)
                                .then(),
                        422,
                        slug)
                .body("field", equalTo(field));
    }
}
