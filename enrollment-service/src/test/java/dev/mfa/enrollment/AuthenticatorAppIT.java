package dev.mfa.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.crypto.SealedField;
import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.otp.OtpAuthUri;
import dev.mfa.core.otp.Totp;
import dev.mfa.core.recovery.RecoveryCodes;
import dev.mfa.enrollment.support.Api;
import dev.mfa.enrollment.support.Bus;
import dev.mfa.enrollment.support.Db;
import dev.mfa.localstack.testing.QrScanner;
import dev.mfa.localstack.testing.TestClock;
import dev.mfa.localstack.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Authenticator-app enrollment end to end: reauth, QR code, confirmation, events, step-up for a second factor. */
@QuarkusTest
class AuthenticatorAppIT {

    private static final String ORG = "totp-org";
    private static final String START = "/api/v1/me/mfa/authenticator-app";

    @Inject
    FieldKeys keys;

    @Inject
    dev.mfa.core.recovery.RecoveryCodeHasher recoveryHasher;

    @AfterEach
    void resetClock() {
        TestClock.get().reset();
    }

    @Test
    void enrollsByScanningTheQrCodeWithAnAuthenticatorApp() throws Exception {
        String user = "totp-" + UUID.randomUUID();
        Db.user(user, ORG, null, "NOT_REQUIRED");
        String reauth = Api.reauth(user, ORG);

        var started = Api.user(user, ORG)
                .header("X-Reauth-Token", reauth)
                .post(START)
                .then()
                .statusCode(201)
                .extract();
        String enrollmentId = started.path("enrollmentId");
        String secret = started.path("secret");
        String otpauthUri = started.path("otpauthUri");
        assertThat(Base64Secret.decodedLength(secret)).isEqualTo(20);
        assertThat(otpauthUri)
                .isEqualTo("otpauth://totp/MFA%20Platform:" + user + "@" + ORG + ".test?secret=" + secret
                        + "&issuer=MFA%20Platform&algorithm=SHA1&digits=6&period=30");
        assertThat(Duration.between(TestClock.get().instant(), Instant.parse(started.path("expiresAt"))))
                .isBetween(Duration.ofMinutes(9), Duration.ofMinutes(10));

        // The data URI and /qr.png both decode to the URI.
        String dataUri = started.path("qrCodeDataUri");
        assertThat(dataUri).startsWith("data:image/png;base64,");
        BufferedImage fromDataUri = ImageIO.read(new ByteArrayInputStream(
                Base64.getDecoder().decode(dataUri.substring("data:image/png;base64,".length()))));
        assertThat(fromDataUri.getWidth()).isGreaterThanOrEqualTo(256);
        assertThat(QrScanner.decode(fromDataUri)).isEqualTo(otpauthUri);
        byte[] png = Api.user(user, ORG)
                .header("X-Reauth-Token", reauth)
                .get("/api/v1/me/mfa/enrollments/" + enrollmentId + "/qr.png")
                .then()
                .statusCode(200)
                .contentType("image/png")
                .extract()
                .asByteArray();
        String scanned = QrScanner.decode(png);
        assertThat(scanned).isEqualTo(otpauthUri);

        // The "app": computes the current code from the scanned URI.
        OtpAuthUri key = OtpAuthUri.parse(scanned);
        Totp app = new Totp(TestClock.INSTANCE, key.totpParameters());
        long step = app.currentStep();
        var confirmed = Api.user(user, ORG)
                .body(Map.of("code", app.generate(key.secretBytes())))
                .post("/api/v1/me/mfa/enrollments/" + enrollmentId + "/confirm")
                .then()
                .statusCode(200)
                .body("factor.method", equalTo("TOTP"))
                .body("factor.status", equalTo("ACTIVE"))
                .body("factor.label", equalTo("Authenticator app"))
                .body("factor.phoneMasked", nullValue())
                .extract();
        String recoveryCode = confirmed.path("recoveryCode");
        assertThat(RecoveryCodes.normalize(recoveryCode)).isPresent();
        String factorId = confirmed.path("factor.factorId");

        Api.user(user, ORG)
                .get("/api/v1/me/mfa/factors")
                .then()
                .statusCode(200)
                .body("$", hasSize(1))
                .body("[0].factorId", equalTo(factorId));
        Api.user(user, ORG)
                .get("/api/v1/me/mfa")
                .then()
                .statusCode(200)
                .body("userId", equalTo(user))
                .body("orgId", equalTo(ORG))
                .body("requirement", equalTo("NOT_REQUIRED"))
                .body("factors", hasSize(1))
                .body("recoveryCode.status", equalTo("ACTIVE"));

        // Events: the secret only encrypted (totp key, bound to field and user), the step consumed, the code's hash.
        CloudEvent enrolled =
                Bus.await(Topics.FACTORS, user, EventTypes.FACTOR_ENROLLED, 1).get(0);
        var data = Bus.data(enrolled, Events.FactorEnrolled.class);
        assertThat(enrolled.toString() + Bus.CODEC.encode(enrolled)).doesNotContain(secret);
        assertThat(keys.open(SealedField.TOTP_SECRET, user, data.totpSecret())).isEqualTo(secret);
        assertThat(data.lastUsedStep()).isBetween(step - 1, step + 1);
        assertThat(data.factorId().toString()).isEqualTo(factorId);
        var issued = Bus.data(
                Bus.await(Topics.FACTORS, user, EventTypes.RECOVERY_CODE_ISSUED, 1)
                        .get(0),
                Events.RecoveryCodeIssued.class);
        assertThat(issued.codeHash()).startsWith("h256:");
        assertThat(recoveryHasher.matches(recoveryCode, issued.codeHash())).isTrue();

        // At rest: ciphertext bound to the factor; the enrollment no longer holds the secret.
        String stored = (String) Db.single("select secret from factor where factor_id = ?::uuid", factorId);
        assertThat(stored).startsWith("v1:").doesNotContain(secret);
        assertThat(Db.single("select secret from enrollment where enrollment_id = ?::uuid", enrollmentId))
                .isNull();

        // The same code cannot confirm again; the enrollment is done.
        Api.problem(
                Api.user(user, ORG)
                        .body(Map.of("code", app.generate(key.secretBytes())))
                        .post("/api/v1/me/mfa/enrollments/" + enrollmentId + "/confirm")
                        .then(),
                410,
                "enrollment-confirmed");
        Api.problem(
                Api.user(user, ORG)
                        .header("X-Reauth-Token", reauth)
                        .get("/api/v1/me/mfa/enrollments/" + enrollmentId + "/qr.png")
                        .then(),
                410,
                "enrollment-confirmed");
    }

    @Test
    void wrongCodesCountDownThenTheEnrollmentFails() {
        String user = "totp-wrong-" + UUID.randomUUID();
        var started = start(user);
        String id = started.path("enrollmentId");
        String confirm = "/api/v1/me/mfa/enrollments/" + id + "/confirm";
        // Malformed codes are refused without using an attempt.
        for (String bad : List.of("12345", "1234567", "abcdef", "１２３４５６")) {
            Api.problem(
                            Api.user(user, ORG)
                                    .body(Map.of("code", bad))
                                    .post(confirm)
                                    .then(),
                            400,
                            "invalid-request")
                    .body("field", equalTo("code"));
        }
        Api.problem(Api.user(user, ORG).body(Map.of()).post(confirm).then(), 400, "invalid-request");
        String wrong = wrongCode(started.path("secret"));
        for (int remaining = 4; remaining >= 0; remaining--) {
            Api.problem(
                            Api.user(user, ORG)
                                    .body(Map.of("code", wrong))
                                    .post(confirm)
                                    .then(),
                            422,
                            "wrong-code")
                    .body("attemptsRemaining", equalTo(remaining));
        }
        Api.problem(
                Api.user(user, ORG)
                        .body(Map.of("code", currentCode(started.path("secret"))))
                        .post(confirm)
                        .then(),
                410,
                "enrollment-failed");
        assertThat(Db.count("select count(*) from factor where user_id = ?", user))
                .isZero();
    }

    @Test
    void pendingEnrollmentExpiresAfterTenMinutes() {
        String user = "totp-exp-" + UUID.randomUUID();
        var started = start(user);
        String id = started.path("enrollmentId");
        TestClock.get().advance(Duration.ofMinutes(10).plusSeconds(1));
        Api.problem(
                Api.user(user, ORG)
                        .body(Map.of("code", currentCode(started.path("secret"))))
                        .post("/api/v1/me/mfa/enrollments/" + id + "/confirm")
                        .then(),
                410,
                "enrollment-expired");
        Api.problem(
                Api.user(user, ORG)
                        .header("X-Reauth-Token", Api.reauth(user, ORG))
                        .get("/api/v1/me/mfa/enrollments/" + id + "/qr.png")
                        .then(),
                410,
                "enrollment-expired");
    }

    @Test
    void anotherUsersOrABogusEnrollmentIsNotFound() {
        String user = "totp-own-" + UUID.randomUUID();
        var started = start(user);
        String id = started.path("enrollmentId");
        String other = "totp-other-" + UUID.randomUUID();
        Api.problem(
                Api.user(other, ORG)
                        .body(Map.of("code", currentCode(started.path("secret"))))
                        .post("/api/v1/me/mfa/enrollments/" + id + "/confirm")
                        .then(),
                404,
                "not-found");
        Api.problem(
                Api.user(other, ORG)
                        .header("X-Reauth-Token", Api.reauth(other, ORG))
                        .get("/api/v1/me/mfa/enrollments/" + id + "/qr.png")
                        .then(),
                404,
                "not-found");
        String reauth = Api.reauth(user, ORG);
        Api.problem(
                Api.user(user, ORG)
                        .header("X-Reauth-Token", reauth)
                        .get("/api/v1/me/mfa/enrollments/not-a-uuid/qr.png")
                        .then(),
                404,
                "not-found");
        Api.problem(
                Api.user(user, ORG)
                        .body(Map.of("code", "123456"))
                        .post("/api/v1/me/mfa/enrollments/" + UUID.randomUUID() + "/confirm")
                        .then(),
                404,
                "not-found");
        // Still pending for its owner.
        Api.user(user, ORG)
                .header("X-Reauth-Token", reauth)
                .get("/api/v1/me/mfa/enrollments/" + id + "/qr.png")
                .then()
                .statusCode(200);
    }

    @Test
    void startingNeedsAFreshReauthTokenOfTheSameUser() {
        String user = "totp-ra-" + UUID.randomUUID();
        Api.problem(Api.user(user, ORG).post(START).then(), 401, "reauth-required");
        Api.problem(
                Api.user(user, ORG)
                        .header("X-Reauth-Token", "forged")
                        .post(START)
                        .then(),
                401,
                "reauth-required");
        String othersToken = Api.reauth("totp-ra-other-" + UUID.randomUUID(), ORG);
        Api.problem(
                Api.user(user, ORG)
                        .header("X-Reauth-Token", othersToken)
                        .post(START)
                        .then(),
                401,
                "reauth-required");
        String token = Api.reauth(user, ORG);
        TestClock.get().advance(Duration.ofMinutes(5).plusSeconds(1));
        Api.problem(
                Api.user(user, ORG).header("X-Reauth-Token", token).post(START).then(), 401, "reauth-required");
        assertThat(Db.count("select count(*) from enrollment where user_id = ?", user))
                .isZero();
    }

    @Test
    void aSecondFactorNeedsARecentAssertionOfTheSameUserAndReplacesTheAppWithoutANewRecoveryCode() {
        String user = "totp-step-" + UUID.randomUUID();
        String firstFactor = enroll(user);
        String reauth = Api.reauth(user, ORG);
        Api.problem(
                Api.user(user, ORG).header("X-Reauth-Token", reauth).post(START).then(), 401, "mfa-assertion-required");
        String othersAssertion = Api.assertion("someone-else", ORG);
        Api.problem(
                Api.user(user, ORG)
                        .header("X-Reauth-Token", reauth)
                        .header("X-MFA-Assertion", othersAssertion)
                        .post(START)
                        .then(),
                401,
                "mfa-assertion-invalid");
        String otherOrg = Api.assertion(user, "another-org");
        Api.problem(
                Api.user(user, ORG)
                        .header("X-Reauth-Token", reauth)
                        .header("X-MFA-Assertion", otherOrg)
                        .post(START)
                        .then(),
                401,
                "mfa-assertion-invalid");
        // An access token is not an assertion (other key, other issuer).
        Api.problem(
                Api.user(user, ORG)
                        .header("X-Reauth-Token", reauth)
                        .header("X-MFA-Assertion", TestTokens.user(user, ORG))
                        .post(START)
                        .then(),
                401,
                "mfa-assertion-invalid");
        String wrongAudience = TestTokens.builder(user, ORG)
                .claim("iss", TestTokens.ASSERTION_ISSUER)
                .claim("aud", "elsewhere")
                .signedWith(TestTokens.ASSERTION_PRIVATE_KEY)
                .sign();
        Api.problem(
                Api.user(user, ORG)
                        .header("X-Reauth-Token", reauth)
                        .header("X-MFA-Assertion", wrongAudience)
                        .post(START)
                        .then(),
                401,
                "mfa-assertion-invalid");
        String old = Api.assertion(user, ORG);
        TestClock.get().advance(Duration.ofMinutes(11));
        String lateReauth = Api.reauth(user, ORG);
        Api.problem(
                Api.user(user, ORG)
                        .header("X-Reauth-Token", lateReauth)
                        .header("X-MFA-Assertion", old)
                        .post(START)
                        .then(),
                401,
                "mfa-assertion-expired");
        TestClock.get().reset();
        assertThat(Db.count("select count(*) from enrollment where user_id = ? and status = 'PENDING'", user))
                .isZero();

        var started = Api.user(user, ORG)
                .header("X-Reauth-Token", reauth)
                .header("X-MFA-Assertion", Api.assertion(user, ORG))
                .post(START)
                .then()
                .statusCode(201)
                .extract();
        var confirmed = Api.user(user, ORG)
                .body(Map.of("code", currentCode(started.path("secret"))))
                .post("/api/v1/me/mfa/enrollments/" + started.path("enrollmentId") + "/confirm")
                .then()
                .statusCode(200)
                .body("recoveryCode", nullValue())
                .extract();
        String newFactor = confirmed.path("factor.factorId");
        Api.user(user, ORG)
                .get("/api/v1/me/mfa/factors")
                .then()
                .body("$", hasSize(1))
                .body("[0].factorId", equalTo(newFactor));
        var removed =
                Bus.await(Topics.FACTORS, user, EventTypes.FACTOR_REMOVED, 1).get(0);
        var removedData = Bus.data(removed, Events.FactorRemoved.class);
        assertThat(removedData.factorId().toString()).isEqualTo(firstFactor);
        assertThat(removedData.reason()).isEqualTo("replaced");
    }

    // ------------------------------------------------------------------------------------------ helpers

    static ExtractableResponse<Response> start(String user) {
        String reauth = Api.reauth(user, ORG);
        return Api.user(user, ORG)
                .header("X-Reauth-Token", reauth)
                .post(START)
                .then()
                .statusCode(201)
                .extract();
    }

    /** Enrolls an authenticator app for a user without factors; returns the factor id. */
    static String enroll(String user) {
        var started = start(user);
        return Api.user(user, ORG)
                .body(Map.of("code", currentCode(started.path("secret"))))
                .post("/api/v1/me/mfa/enrollments/" + started.path("enrollmentId") + "/confirm")
                .then()
                .statusCode(200)
                .extract()
                .path("factor.factorId");
    }

    static String currentCode(String base32) {
        return new Totp(TestClock.INSTANCE).generate(dev.mfa.core.otp.Base32.decode(base32));
    }

    /** A well-formed code that matches no step of the window. */
    static String wrongCode(String base32) {
        Totp totp = new Totp(TestClock.INSTANCE);
        byte[] key = dev.mfa.core.otp.Base32.decode(base32);
        long now = totp.currentStep();
        List<String> valid =
                List.of(totp.generateAt(key, now - 1), totp.generateAt(key, now), totp.generateAt(key, now + 1));
        for (int i = 0; ; i++) {
            String candidate = String.format("%06d", i);
            if (!valid.contains(candidate)) {
                return candidate;
            }
        }
    }

    /** Base32 length helper. */
    static final class Base64Secret {
        static int decodedLength(String base32) {
            return dev.mfa.core.otp.Base32.decode(base32).length;
        }
    }
}
