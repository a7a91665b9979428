package dev.mfa.systemtests.support;

import static dev.mfa.systemtests.support.Platform.ENROLLMENT_API;
import static dev.mfa.systemtests.support.Platform.VERIFICATION_API;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mfa.core.otp.OtpAuthUri;
import dev.mfa.localstack.testing.QrScanner;
import dev.mfa.localstack.testing.TestTokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;

/**
 * A user of the platform, acting only through the public REST API with an access token like the gateway passes on
 * (minted with the committed dev key, exactly as {@code deploy/local/token.sh} does).
 */
public final class TestUser {

    public static final String REAUTH = "X-Reauth-Token";
    public static final String ASSERTION = "X-MFA-Assertion";
    public static final Duration PROPAGATION = Duration.ofSeconds(60);

    private final String userId;
    private final String orgId;
    private final String email;
    private final String password;
    private final String pay;
    private final List<String> groups;
    private volatile String token;
    private volatile long tokenMintedAt;
    private volatile String recoveryCode;

    TestUser(String userId, String orgId, String email, String password, String pay, List<String> groups) {
        this.userId = userId;
        this.orgId = orgId;
        this.email = email;
        this.password = password;
        this.pay = pay;
        this.groups = groups;
    }

    public String userId() {
        return userId;
    }

    public String orgId() {
        return orgId;
    }

    public String email() {
        return email;
    }

    public String password() {
        return password;
    }

    public String pay() {
        return pay;
    }

    public List<String> groups() {
        return groups;
    }

    /** The recovery code last shown to this user (null before the first one). */
    public String recoveryCode() {
        return recoveryCode;
    }

    /** The user's access token (valid one hour; a fresh one after 50 minutes). */
    public String token() {
        if (token == null
                || System.currentTimeMillis() - tokenMintedAt
                        > Duration.ofMinutes(50).toMillis()) {
            TestTokens.Builder b = TestTokens.builder(userId, orgId)
                    .groups(groups.toArray(String[]::new))
                    .claim("upn", email);
            if (pay != null) {
                b.claim("pay", pay);
            }
            token = b.sign();
            tokenMintedAt = System.currentTimeMillis();
        }
        return token;
    }

    /** An org admin's token for {@code orgId}. */
    public static String adminToken(String orgId) {
        return TestTokens.orgAdmin("admin-" + orgId, orgId);
    }

    // ------------------------------------------------------------------------------------------ raw calls

    public Http.Request get(String url) {
        return Http.get(url).bearer(token());
    }

    public Http.Request post(String url) {
        return Http.post(url).bearer(token());
    }

    public Http.Reply reauthReply(String password) {
        return post(ENROLLMENT_API + "/me/reauth")
                .json(Map.of("password", password))
                .send();
    }

    public Http.Reply mfaReply() {
        return get(ENROLLMENT_API + "/me/mfa").send();
    }

    public Http.Reply startTotpReply(String reauth, String assertion) {
        return post(ENROLLMENT_API + "/me/mfa/authenticator-app")
                .header(REAUTH, reauth)
                .header(ASSERTION, assertion)
                .send();
    }

    public Http.Reply startSmsReply(String reauth, String assertion, String country, String number) {
        return post(ENROLLMENT_API + "/me/mfa/sms")
                .header(REAUTH, reauth)
                .header(ASSERTION, assertion)
                .json(Map.of("countryCode", country, "phoneNumber", number))
                .send();
    }

    public Http.Reply confirmReply(String enrollmentId, String code) {
        return post(ENROLLMENT_API + "/me/mfa/enrollments/" + enrollmentId + "/confirm")
                .json(Map.of("code", code))
                .send();
    }

    /** The QR PNG of a pending enrollment: it shows the secret, so it needs a reauth token like the start. */
    public Http.Reply qrPng(String enrollmentId, String reauth) {
        return get(ENROLLMENT_API + "/me/mfa/enrollments/" + enrollmentId + "/qr.png")
                .header(REAUTH, reauth)
                .send();
    }

    public Http.Reply newRecoveryCodeReply(String reauth, String assertion) {
        return post(ENROLLMENT_API + "/me/mfa/recovery-code")
                .header(REAUTH, reauth)
                .header(ASSERTION, assertion)
                .send();
    }

    public Http.Reply challengeReply() {
        return post(VERIFICATION_API + "/challenges").send();
    }

    public Http.Reply verifyReply(String challengeId, String method, String code) {
        return post(VERIFICATION_API + "/challenges/" + challengeId + "/verify")
                .json(Map.of("method", method, "code", code))
                .send();
    }

    public Http.Reply sendSignInSmsReply(String challengeId) {
        return post(VERIFICATION_API + "/challenges/" + challengeId + "/sms").send();
    }

    // ------------------------------------------------------------------------------------------ flows

    /** Re-enters the password; answers the reauth token. */
    public String reauth() {
        Http.Reply r = reauthReply(password);
        expect(r, 200);
        return r.json().path("reauthToken").asText();
    }

    public JsonNode mfa() {
        Http.Reply r = mfaReply();
        expect(r, 200);
        return r.json();
    }

    /** Waits until {@code GET /me/mfa} shows this requirement. */
    public JsonNode awaitRequirement(String requirement) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        Awaitility.await(userId + " " + requirement)
                .atMost(PROPAGATION)
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    last.set(mfa());
                    return requirement.equals(last.get().path("requirement").asText());
                });
        return last.get();
    }

    /** A started authenticator-app enrollment: its answer and the key scanned from the QR code. */
    public record TotpStart(JsonNode answer, TotpDevice device) {
        public String enrollmentId() {
            return answer.path("enrollmentId").asText();
        }
    }

    /** Starts an authenticator-app enrollment and scans the QR code of the data URI (the app's view of it). */
    public TotpStart startTotp(String reauth, String assertion) {
        Http.Reply r = startTotpReply(reauth, assertion);
        expect(r, 201);
        JsonNode a = r.json();
        Secrets.secret(a.path("secret").asText());
        OtpAuthUri scanned =
                OtpAuthUri.parse(QrScanner.decodeDataUri(a.path("qrCodeDataUri").asText()));
        return new TotpStart(a, new TotpDevice(scanned));
    }

    /** Confirms an enrollment; remembers the recovery code when one is shown. */
    public JsonNode confirm(String enrollmentId, String code) {
        Http.Reply r = confirmReply(enrollmentId, code);
        expect(r, 200);
        JsonNode a = r.json();
        if (a.hasNonNull("recoveryCode")) {
            recoveryCode = a.path("recoveryCode").asText();
            Secrets.recoveryCode(recoveryCode);
        }
        return a;
    }

    /** The whole authenticator-app enrollment (reauth, start, scan, confirm); {@code assertion} when it is needed. */
    public TotpDevice enrollTotp(String assertion) {
        TotpStart start = startTotp(reauth(), assertion);
        confirm(start.enrollmentId(), start.device().currentCode());
        return start.device();
    }

    /** Opens a sign-in challenge once verification-service knows the user's factors (the events travel first). */
    public JsonNode awaitChallenge(String method) {
        AtomicReference<Http.Reply> last = new AtomicReference<>();
        Awaitility.await(userId + ": a challenge offering " + method)
                .atMost(PROPAGATION)
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    last.set(challengeReply());
                    // Until the factor event arrives, verification-service answers as for a user without one.
                    boolean notYet = last.get().status() == 200
                            || (last.get().status() == 409
                                    && "enrollment-required".equals(last.get().problemType()));
                    if (last.get().status() != 201 && !notYet) {
                        throw new AssertionError("unexpected " + last.get());
                    }
                    return last.get().status() == 201
                            && methods(last.get().json()).contains(method);
                });
        return last.get().json();
    }

    public static List<String> methods(JsonNode challenge) {
        return java.util.stream.StreamSupport.stream(challenge.path("methods").spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }

    /** A full sign-in second step with the device; answers the MFA assertion. */
    public String signInTotp(TotpDevice device) {
        JsonNode challenge = awaitChallenge("TOTP");
        Http.Reply r = verifyReply(challenge.path("challengeId").asText(), "TOTP", device.nextCode());
        expect(r, 200);
        return r.json().path("assertion").asText();
    }

    public static void expect(Http.Reply r, int status) {
        if (r.status() != status) {
            throw new AssertionError("expected " + status + ": " + r);
        }
    }
}
