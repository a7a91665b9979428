package dev.mfa.systemtests;

import static dev.mfa.systemtests.support.Platform.ENROLLMENT_API;
import static dev.mfa.systemtests.support.TestUser.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Topics;
import dev.mfa.core.otp.OtpAuthUri;
import dev.mfa.localstack.testing.QrScanner;
import dev.mfa.systemtests.support.EventLog;
import dev.mfa.systemtests.support.Http;
import dev.mfa.systemtests.support.OrgAdmin;
import dev.mfa.systemtests.support.Phones;
import dev.mfa.systemtests.support.Platform;
import dev.mfa.systemtests.support.Stub;
import dev.mfa.systemtests.support.SystemTest;
import dev.mfa.systemtests.support.TestUser;
import dev.mfa.systemtests.support.TotpDevice;
import dev.mfa.systemtests.support.Users;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The user stories of issue #8, each as a user and an org admin meet it: the four service jars on the local stack,
 * only the public REST API and the real topics. Stories 1 and 2 are the README's walkthrough (seed org {@code acme},
 * seed user {@code alice}); the others use organisations and users of their own.
 */
@SystemTest
@Order(1)
@DisplayName("User stories")
class UserStoriesIT {

    private static final Duration WAIT = TestUser.PROPAGATION;

    // ------------------------------------------------------------------------------ 1 + 2: the README walkthrough

    @Test
    @Order(1)
    @DisplayName("1+2. Admin turns MFA on with a deadline; alice sees OPTIONAL, enrolls an authenticator app, signs in")
    void walkthrough() {
        String admin = TestUser.adminToken("acme");
        TestUser alice = Users.seed("alice", "acme", "alice-pw", null);

        // 1. The org admin turns MFA on with a deadline 30 days ahead (README step 1).
        Instant deadline = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        Http.Reply policy = Http.put(ENROLLMENT_API + "/orgs/acme/mfa-policy")
                .bearer(admin)
                .json(Map.of(
                        "enabled",
                        true,
                        "enforcementDeadline",
                        deadline.toString(),
                        "allowedMethods",
                        List.of("TOTP", "SMS")))
                .send();
        expect(policy, 200);
        assertThat(policy.json().path("state").asText()).isEqualTo("EARLY_ENROLLMENT");
        assertThat(policy.json().path("enabled").asBoolean()).isTrue();
        assertThat(Instant.parse(policy.json().path("enforcementDeadline").asText()))
                .isEqualTo(deadline);

        JsonNode status = alice.awaitRequirement("OPTIONAL");
        assertThat(status.path("userId").asText()).isEqualTo("alice");
        assertThat(status.path("orgId").asText()).isEqualTo("acme");
        assertThat(status.path("daysUntilEnforcement").asLong()).isEqualTo(30);
        assertThat(Instant.parse(status.path("enforcementDeadline").asText())).isEqualTo(deadline);
        assertThat(status.path("factors").size()).isZero();
        assertThat(status.path("recoveryCode").path("status").asText()).isEqualTo("NONE");
        // Every plain user of the org sees the same (bob, carol: the roster); paula (Pay payee) must enroll now.
        assertThat(Users.seed("bob", "acme", "bob-pw", null)
                        .awaitRequirement("OPTIONAL")
                        .path("daysUntilEnforcement")
                        .asLong())
                .isEqualTo(30);
        assertThat(Users.seed("paula", "acme", "paula-pw", "payee")
                        .mfa()
                        .path("requirement")
                        .asText())
                .isEqualTo("REQUIRED");

        // Before enrolling, an OPTIONAL user signs in without a second step.
        Http.Reply noMfa = alice.challengeReply();
        expect(noMfa, 200);
        assertThat(noMfa.json().path("mfaRequired").asBoolean(true)).isFalse();

        // 2. Re-enter the password, start an authenticator-app enrollment (README steps 2-3).
        Http.Reply wrongPassword = alice.reauthReply("not-alice-pw");
        expect(wrongPassword, 401);
        assertThat(wrongPassword.isProblem()).isTrue();
        String reauth = alice.reauth();
        Http.Reply start = alice.startTotpReply(reauth, null);
        expect(start, 201);
        JsonNode started = start.json();
        String enrollmentId = started.path("enrollmentId").asText();

        // Scan the QR code: the PNG endpoint and the data URI both hold the otpauth URI with the secret.
        Http.Reply png = alice.qrPng(enrollmentId, reauth);
        expect(png, 200);
        assertThat(png.contentType()).startsWith("image/png");
        String fromPng = QrScanner.decode(png.body());
        String fromDataUri =
                QrScanner.decodeDataUri(started.path("qrCodeDataUri").asText());
        assertThat(fromPng)
                .isEqualTo(fromDataUri)
                .isEqualTo(started.path("otpauthUri").asText());
        OtpAuthUri scanned = OtpAuthUri.parse(fromPng);
        assertThat(scanned.secret()).isEqualTo(started.path("secret").asText());
        assertThat(scanned.digits()).isEqualTo(6);
        assertThat(scanned.period()).isEqualTo(30);
        assertThat(scanned.issuer()).isNotBlank();
        TotpDevice app = new TotpDevice(scanned);
        // Someone else cannot see alice's QR code.
        TestUser bob = Users.seed("bob", "acme", "bob-pw", null);
        assertThat(bob.qrPng(enrollmentId, bob.reauth()).status()).isEqualTo(404);

        // Confirm with the code the app shows: the factor, and the recovery code, shown once.
        JsonNode confirmed = alice.confirm(enrollmentId, app.currentCode());
        assertThat(confirmed.path("factor").path("method").asText()).isEqualTo("TOTP");
        assertThat(confirmed.path("factor").path("status").asText()).isEqualTo("ACTIVE");
        assertThat(alice.recoveryCode()).isNotBlank();
        JsonNode after = alice.mfa();
        assertThat(after.path("factors").size()).isEqualTo(1);
        assertThat(after.path("recoveryCode").path("status").asText()).isEqualTo("ACTIVE");
        assertThat(after.toString()).doesNotContain(alice.recoveryCode()).doesNotContain(scanned.secret());

        // Sign in (README step 4): a challenge, then a LATER code (the confirmation consumed the current step).
        JsonNode challenge = alice.awaitChallenge("TOTP");
        assertThat(TestUser.methods(challenge)).contains("TOTP", "RECOVERY_CODE");
        String code = app.nextCode();
        Http.Reply verified = alice.verifyReply(challenge.path("challengeId").asText(), "TOTP", code);
        expect(verified, 200);
        assertThat(verified.json().path("verified").asBoolean()).isTrue();
        assertThat(verified.json().path("recoveryCodeUsed").asBoolean(true)).isFalse();
        JsonNode assertion = Jwt.claims(verified.json().path("assertion").asText());
        assertThat(assertion.path("sub").asText()).isEqualTo("alice");
        assertThat(assertion.path("org").asText()).isEqualTo("acme");
        assertThat(assertion.path("amr").toString()).contains("otp");
        assertThat(assertion.path("exp").asLong() - assertion.path("iat").asLong())
                .isEqualTo(600);

        // The same code again, on a new challenge: refused (replay).
        JsonNode again = alice.awaitChallenge("TOTP");
        Http.Reply replay = alice.verifyReply(again.path("challengeId").asText(), "TOTP", code);
        expect(replay, 401);
        assertThat(replay.isProblem()).isTrue();
        assertThat(replay.json().path("verified").asBoolean(true)).isFalse();
        assertThat(replay.json().has("attemptsRemaining")).isTrue();
        // And the completed challenge cannot be verified a second time.
        assertThat(alice.verifyReply(challenge.path("challengeId").asText(), "TOTP", app.nextCode())
                        .status())
                .isIn(409, 410);

        // The events: the factor enrolled (secret encrypted), policy changed, alice's requirement changed.
        List<EventLog.Event> enrolled = EventLog.topic(Topics.FACTORS)
                .await(
                        e -> EventTypes.FACTOR_ENROLLED.equals(e.type()) && "alice".equals(e.dataText("userId")),
                        1,
                        WAIT);
        assertThat(enrolled.get(0).dataText("totpSecret")).startsWith("v1:");
        assertThat(enrolled.get(0).key()).isEqualTo("alice");
        EventLog.topic(Topics.USER_REQUIREMENTS)
                .await(
                        e -> "alice".equals(e.dataText("userId")) && "OPTIONAL".equals(e.dataText("requirement")),
                        1,
                        WAIT);
        EventLog.topic(Topics.ORG_POLICIES).await(e -> "acme".equals(e.key()), 1, WAIT);
    }

    // ------------------------------------------------------------------------------ 3: SMS

    @Test
    @Order(3)
    @DisplayName(
            "3. SMS enrollment with the code from the Vonage stub; payee non-US and a disallowed country refused; SMS sign-in")
    void sms() {
        String org = Users.newOrg("sms");
        TestUser user = Users.create(org, "sms-user");
        TestUser payee = Users.createPayee(org, "sms-payee");

        // Countries offered: a plain user gets the list, a payee only the US.
        JsonNode countries = user.get(ENROLLMENT_API + "/sms-countries").send().json();
        assertThat(countries.findValuesAsText("country")).contains("US", "GB", "DE");
        JsonNode payeeCountries =
                payee.get(ENROLLMENT_API + "/sms-countries").send().json();
        assertThat(payeeCountries.findValuesAsText("country")).containsExactly("US");

        // Refusals: a payee's non-US number, a country outside the allow list (nothing is sent for either).
        int before = Stub.messages().size();
        Phones.Phone gb = Phones.next("GB");
        Http.Reply payeeGb = payee.startSmsReply(payee.reauth(), null, "GB", gb.national());
        expect(payeeGb, 422);
        assertThat(payeeGb.isProblem()).isTrue();
        assertThat(payeeGb.problemType()).isEqualTo("country-not-allowed");
        Phones.Phone ru = Phones.next("RU");
        Http.Reply disallowed = user.startSmsReply(user.reauth(), null, "RU", ru.national());
        expect(disallowed, 422);
        assertThat(disallowed.problemType()).isEqualTo("country-not-allowed");
        assertThat(disallowed.text()).doesNotContain(ru.e164()).doesNotContain(ru.national());

        // A payee's US number is fine.
        Phones.Phone payeeUs = Phones.next("US");
        Http.Reply payeeStart = payee.startSmsReply(payee.reauth(), null, "US", payeeUs.e164());
        expect(payeeStart, 201);
        payee.confirm(payeeStart.json().path("enrollmentId").asText(), Stub.awaitCode(payeeUs.e164(), 1, WAIT));

        // A GB number for the plain user: the code arrives through notification-service and the stub.
        Http.Reply start = user.startSmsReply(user.reauth(), null, "GB", gb.national());
        expect(start, 201);
        String enrollmentId = start.json().path("enrollmentId").asText();
        assertThat(start.json().path("phoneMasked").asText())
                .endsWith(gb.e164().substring(gb.e164().length() - 2))
                .doesNotContain(gb.e164().substring(3));
        String code = Stub.awaitCode(gb.e164(), 1, WAIT);
        assertThat(Stub.messagesTo(gb.e164()).get(0).path("text").asText()).contains(code);
        // A wrong code costs an attempt; the right one confirms.
        String wrong = code.equals("000000") ? "111111" : "000000";
        Http.Reply wrongReply = user.confirmReply(enrollmentId, wrong);
        expect(wrongReply, 422);
        assertThat(wrongReply.json().path("attemptsRemaining").asInt()).isEqualTo(4);
        JsonNode confirmed = user.confirm(enrollmentId, code);
        assertThat(confirmed.path("factor").path("method").asText()).isEqualTo("SMS");
        assertThat(user.recoveryCode()).isNotBlank();
        assertThat(Stub.messages().size() - before).isEqualTo(2); // the payee's and the user's, nothing for refusals

        // Sign in with SMS: the challenge offers it with the masked number, the code comes from the stub.
        JsonNode challenge = user.awaitChallenge("SMS");
        assertThat(challenge.path("phoneMasked").asText())
                .isEqualTo(confirmed.path("factor").path("phoneMasked").asText());
        String challengeId = challenge.path("challengeId").asText();
        expect(user.sendSignInSmsReply(challengeId), 202);
        String signInCode = Stub.awaitCode(gb.e164(), 2, WAIT);
        Http.Reply verified = user.verifyReply(challengeId, "SMS", signInCode);
        expect(verified, 200);
        assertThat(Jwt.claims(verified.json().path("assertion").asText())
                        .path("amr")
                        .toString())
                .contains("sms");

        // The SMS request events carry the number and the code only encrypted.
        List<EventLog.Event> requests =
                EventLog.topic(Topics.SMS_REQUESTS).await(e -> user.userId().equals(e.dataText("userId")), 2, WAIT);
        for (EventLog.Event e : requests) {
            assertThat(e.dataText("to")).startsWith("v1:");
            assertThat(e.dataText("code")).startsWith("v1:");
            assertThat(e.value()).doesNotContain(gb.e164().substring(1)).doesNotContain(code);
        }
        assertThat(requests.stream().map(e -> e.dataText("purpose"))).contains("ENROLLMENT", "SIGN_IN");
        EventLog.topic(Topics.SMS_STATUS)
                .await(
                        e -> user.userId().equals(e.dataText("userId")) && EventTypes.SMS_SENT.equals(e.type()),
                        2,
                        WAIT);
    }

    // ------------------------------------------------------------------------------ 4: recovery code

    @Test
    @Order(4)
    @DisplayName(
            "4. Sign-in with the recovery code, the old one is dead, new device with the step-up assertion, a new second step for a new code")
    void recoveryCode() {
        String org = Users.newOrg("recovery");
        TestUser user = Users.create(org, "rc-user");
        TotpDevice lostPhone = user.enrollTotp(null);
        String oldCode = user.recoveryCode();
        assertThat(oldCode).isNotBlank();

        // The phone is lost: sign in with the recovery code.
        JsonNode challenge = user.awaitChallenge("RECOVERY_CODE");
        Http.Reply verified = user.verifyReply(challenge.path("challengeId").asText(), "RECOVERY_CODE", oldCode);
        expect(verified, 200);
        assertThat(verified.json().path("recoveryCodeUsed").asBoolean()).isTrue();
        String assertion = verified.json().path("assertion").asText();
        assertThat(Jwt.claims(assertion).path("amr").toString()).contains("rcode");

        // The user is told to save a new one: the code shows USED once enrollment-service heard of it.
        Awaitility.await("recovery code USED")
                .atMost(WAIT)
                .until(() -> "USED"
                        .equals(user.mfa().path("recoveryCode").path("status").asText()));
        EventLog.topic(Topics.VERIFICATIONS)
                .await(
                        e -> EventTypes.RECOVERY_CODE_USED.equals(e.type())
                                && user.userId().equals(e.dataText("userId")),
                        1,
                        WAIT);

        // The old code cannot be used again (not offered; refused if tried).
        JsonNode next = user.awaitChallenge("TOTP");
        assertThat(TestUser.methods(next)).doesNotContain("RECOVERY_CODE");
        Http.Reply reuse = user.verifyReply(next.path("challengeId").asText(), "RECOVERY_CODE", oldCode);
        assertThat(reuse.status()).isIn(401, 422);
        assertThat(reuse.isProblem()).isTrue();

        // A new device: adding a factor while one exists needs the password again and the step-up assertion (the
        // recovery code's sign-in gave one); the confirmation shows a new recovery code, the old one being USED.
        String reauth = user.reauth();
        expect(user.startTotpReply(reauth, null), 401);
        TestUser.TotpStart newPhone = user.startTotp(reauth, assertion);
        JsonNode confirmed =
                user.confirm(newPhone.enrollmentId(), newPhone.device().currentCode());
        assertThat(confirmed.hasNonNull("recoveryCode"))
                .as("a new recovery code: the old one was USED")
                .isTrue();
        List<JsonNode> factors = List.copyOf(toList(user.mfa().path("factors")));
        assertThat(factors).hasSize(1); // the new phone replaced the lost one
        assertThat(factors.get(0).path("factorId").asText())
                .isEqualTo(confirmed.path("factor").path("factorId").asText());

        // An assertion authorises one change (CONTRACT §4): saving another new code needs a new second step.
        Http.Reply noAssertion = user.newRecoveryCodeReply(reauth, null);
        expect(noAssertion, 401);
        assertThat(noAssertion.problemType()).isEqualTo("mfa-assertion-required");
        Http.Reply reused = user.newRecoveryCodeReply(reauth, assertion);
        expect(reused, 401);
        assertThat(reused.problemType()).isEqualTo("mfa-assertion-invalid");

        // Sign in with the new phone; the lost phone's codes stop working once verification-service heard of it.
        EventLog.topic(Topics.FACTORS)
                .await(
                        e -> EventTypes.FACTOR_REMOVED.equals(e.type())
                                && user.userId().equals(e.dataText("userId"))
                                && "replaced".equals(e.dataText("reason")),
                        1,
                        WAIT);
        AtomicReference<Http.Reply> lost = new AtomicReference<>();
        Awaitility.await("the lost phone refused")
                .atMost(WAIT)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    JsonNode c = user.awaitChallenge("TOTP");
                    lost.set(user.verifyReply(c.path("challengeId").asText(), "TOTP", lostPhone.nextCode()));
                    return lost.get().status() == 401;
                });
        String newAssertion = user.signInTotp(newPhone.device());
        assertThat(Jwt.claims(newAssertion).path("sub").asText()).isEqualTo(user.userId());
        Http.Reply fresh = user.newRecoveryCodeReply(reauth, newAssertion);
        expect(fresh, 201);
        String newCode = fresh.json().path("recoveryCode").asText();
        dev.mfa.systemtests.support.Secrets.recoveryCode(newCode);
        assertThat(newCode).isNotEqualTo(oldCode);
        assertThat(user.mfa().path("recoveryCode").path("status").asText()).isEqualTo("ACTIVE");

        // The new recovery code works (and only once).
        JsonNode c = user.awaitChallenge("RECOVERY_CODE");
        Http.Reply withNew = user.verifyReply(c.path("challengeId").asText(), "RECOVERY_CODE", newCode);
        expect(withNew, 200);
        assertThat(withNew.json().path("recoveryCodeUsed").asBoolean()).isTrue();
    }

    // ------------------------------------------------------------------------------ 5: the deadline passes

    @Test
    @Order(5)
    @DisplayName("5. The deadline passes: unenrolled users become REQUIRED and sign-in answers enrollment-required")
    void deadlinePasses() {
        String org = Users.newOrg("deadline");
        List<TestUser> users = Users.create(org, "dl-user", 3, null);
        TestUser enrolled = users.get(0);
        TestUser late1 = users.get(1);
        TestUser late2 = users.get(2);
        String admin = TestUser.adminToken(org);

        // A deadline a few seconds ahead: early enrollment first.
        Instant deadline = Instant.now().plusSeconds(12).truncatedTo(ChronoUnit.SECONDS);
        expect(
                Http.put(ENROLLMENT_API + "/orgs/" + org + "/mfa-policy")
                        .bearer(admin)
                        .json(Map.of("enabled", true, "enforcementDeadline", deadline.toString()))
                        .send(),
                200);
        for (TestUser u : users) {
            JsonNode s = u.awaitRequirement("OPTIONAL");
            assertThat(s.path("daysUntilEnforcement").asLong()).isEqualTo(1);
        }
        TotpDevice device = enrolled.enrollTotp(null);
        expect(late1.challengeReply(), 200);

        // The scheduler fires the deadline; enrollment-service switches the org.
        awaitOrExplain(late1, org, admin);
        for (TestUser u : List.of(late1, late2)) {
            JsonNode s = u.awaitRequirement("REQUIRED");
            assertThat(s.path("daysUntilEnforcement").asLong()).isZero();
            // verification-service learns the requirement from mfa.user-requirements, a moment later.
            AtomicReference<Http.Reply> last = new AtomicReference<>();
            Awaitility.await(u.userId() + " blocked at sign-in")
                    .atMost(WAIT)
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> {
                        last.set(u.challengeReply());
                        return last.get().status() != 200;
                    });
            Http.Reply blocked = last.get();
            expect(blocked, 409);
            assertThat(blocked.isProblem()).isTrue();
            assertThat(blocked.problemType()).isEqualTo("enrollment-required");
        }
        Awaitility.await("policy ENFORCED")
                .atMost(WAIT)
                .until(() -> "ENFORCED"
                        .equals(Http.get(ENROLLMENT_API + "/orgs/" + org + "/mfa-policy")
                                .bearer(admin)
                                .send()
                                .json()
                                .path("state")
                                .asText()));
        // The enrolled user signs in as before.
        assertThat(Jwt.claims(enrolled.signInTotp(device)).path("sub").asText()).isEqualTo(enrolled.userId());

        // The events: exactly one deadline.reached for the org, requirement changes for every user of the org.
        List<EventLog.Event> reached = EventLog.topic(Topics.DEADLINES)
                .await(e -> EventTypes.DEADLINE_REACHED.equals(e.type()) && org.equals(e.dataText("orgId")), 1, WAIT);
        assertThat(reached.stream().map(EventLog.Event::id).distinct()).hasSize(1);
        for (TestUser u : users) {
            List<EventLog.Event> changed = EventLog.topic(Topics.USER_REQUIREMENTS)
                    .await(
                            e -> u.userId().equals(e.dataText("userId"))
                                    && "REQUIRED".equals(e.dataText("requirement")),
                            1,
                            WAIT);
            assertThat(changed.get(0).type()).isEqualTo(EventTypes.USER_REQUIREMENT_CHANGED);
            assertThat(changed.get(0).dataText("previous")).isEqualTo("OPTIONAL");
            assertThat(changed.get(0).dataText("reason")).isEqualTo("deadline-reached");
            assertThat(changed.get(0).key()).isEqualTo(u.userId());
        }
        // A late user can still enroll, and then signs in.
        TotpDevice lateDevice = late1.enrollTotp(null);
        assertThat(late1.signInTotp(lateDevice)).isNotBlank();
        // The report shows who is still blocked.
        JsonNode report = Http.get(ENROLLMENT_API + "/orgs/" + org + "/mfa-report")
                .bearer(admin)
                .send()
                .json();
        assertThat(report.path("enrolled").asLong()).isEqualTo(2);
        assertThat(report.path("notEnrolled").asLong()).isEqualTo(1);
    }

    // ------------------------------------------------------------------------------ 6: lock-out and admin reset

    @Test
    @Order(6)
    @DisplayName("6. A locked-out user is reset by the org admin and enrolls again")
    void adminResetsLockedUser() throws InterruptedException {
        String org = Users.newOrg("lock");
        TestUser user = Users.create(org, "lock-user");
        TotpDevice device = user.enrollTotp(null);
        JsonNode challenge = user.awaitChallenge("TOTP");
        String id = challenge.path("challengeId").asText();

        // Wrong codes until the lock (lowered to 5 for the tests: 3 free, then 1 s and 2 s waits).
        int failures = 0;
        while (failures < Platform.LOCK_AFTER) {
            Http.Reply r = user.verifyReply(id, "TOTP", device.wrongCode());
            if (r.status() == 429) {
                assertThat(r.problemType()).isEqualTo("verification-throttled");
                assertThat(r.header("Retry-After")).isNotNull();
                Thread.sleep(Long.parseLong(r.header("Retry-After")) * 1000 + 100);
                continue;
            }
            expect(r, 401);
            failures++;
            assertThat(r.json().path("attemptsRemaining").asInt())
                    .isEqualTo(Math.max(0, Platform.FREE_FAILURES - failures));
        }
        // Locked: even the right code is refused, and nothing tells the caller whether it was right.
        Http.Reply locked = user.verifyReply(id, "TOTP", device.nextCode());
        expect(locked, 429);
        assertThat(locked.problemType()).isEqualTo("user-locked");
        EventLog.topic(Topics.VERIFICATIONS)
                .await(
                        e -> EventTypes.USER_LOCKED.equals(e.type())
                                && user.userId().equals(e.dataText("userId")),
                        1,
                        WAIT);

        // A user cannot reset anyone; another org's admin gets 404; the org's admin resets.
        assertThat(user.post(ENROLLMENT_API + "/orgs/" + org + "/users/" + user.userId() + "/mfa-reset")
                        .send()
                        .status())
                .isEqualTo(403);
        assertThat(Http.post(ENROLLMENT_API + "/orgs/" + org + "/users/" + user.userId() + "/mfa-reset")
                        .bearer(TestUser.adminToken("acme"))
                        .send()
                        .status())
                .isEqualTo(404);
        // A reset needs the admin's own second step (X-MFA-Assertion): without it, 401 step-up-required.
        String resetUrl = ENROLLMENT_API + "/orgs/" + org + "/users/" + user.userId() + "/mfa-reset";
        String adminAssertion = OrgAdmin.assertion(org);
        Http.Reply noStepUp =
                Http.post(resetUrl).bearer(TestUser.adminToken(org)).send();
        expect(noStepUp, 401);
        assertThat(noStepUp.isProblem()).isTrue();
        assertThat(noStepUp.problemType()).isEqualTo("step-up-required");
        assertThat(user.mfa().path("factors").size()).isOne();
        Http.Reply reset = Http.post(resetUrl)
                .bearer(TestUser.adminToken(org))
                .header(TestUser.ASSERTION, adminAssertion)
                .send();
        expect(reset, 204);
        JsonNode after = user.mfa();
        assertThat(after.path("factors").size()).isZero();
        assertThat(after.path("recoveryCode").path("status").asText()).isEqualTo("NONE");
        EventLog.topic(Topics.FACTORS)
                .await(
                        e -> EventTypes.FACTOR_REMOVED.equals(e.type())
                                && user.userId().equals(e.dataText("userId"))
                                && "admin-reset".equals(e.dataText("reason")),
                        1,
                        WAIT);

        // The user enrolls again (no assertion needed: no factor left) and signs in: the lock is gone.
        Awaitility.await("no factor left in verification-service")
                .atMost(WAIT)
                .until(() -> user.challengeReply().status() == 200);
        TotpDevice newDevice = user.enrollTotp(null);
        assertThat(user.recoveryCode()).isNotBlank();
        assertThat(Jwt.claims(user.signInTotp(newDevice)).path("sub").asText()).isEqualTo(user.userId());
    }

    /** Waits for REQUIRED; if it does not come, says where the chain stopped (scheduler view, topics). */
    private static void awaitOrExplain(TestUser user, String org, String admin) {
        try {
            user.awaitRequirement("REQUIRED");
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String scheduler = Http.get("http://localhost:8084/api/v1/deadlines/" + org)
                    .bearer(admin)
                    .send()
                    .toString();
            String policy = Http.get(ENROLLMENT_API + "/orgs/" + org + "/mfa-policy")
                    .bearer(admin)
                    .send()
                    .toString();
            List<String> policies = EventLog.topic(Topics.ORG_POLICIES).events(ev -> org.equals(ev.key())).stream()
                    .map(ev -> ev.value())
                    .toList();
            List<String> deadlines = EventLog.topic(Topics.DEADLINES).events(ev -> org.equals(ev.key())).stream()
                    .map(ev -> ev.value())
                    .toList();
            throw new AssertionError(
                    "no REQUIRED for " + user.userId() + " at " + Instant.now() + "\npolicy: " + policy
                            + "\nscheduler: " + scheduler + "\nmfa.org-policies: " + policies + "\nmfa.deadlines: "
                            + deadlines,
                    e);
        }
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> list = new java.util.ArrayList<>();
        array.forEach(list::add);
        return list;
    }
}
