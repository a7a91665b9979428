package dev.mfa.verification;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.crypto.SealedField;
import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventData;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.otp.Base32;
import dev.mfa.core.otp.Totp;
import dev.mfa.core.recovery.RecoveryCodeHasher;
import dev.mfa.core.recovery.RecoveryCodes;
import dev.mfa.core.security.PemKeys;
import dev.mfa.localstack.testing.KafkaTestResource;
import dev.mfa.localstack.testing.PostgresTestResource;
import dev.mfa.localstack.testing.TestClock;
import dev.mfa.localstack.testing.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Shared helpers: events in over the real broker, calls over HTTP, checks in the real database. */
public abstract class VerificationTestBase {

    public static final String ORG = "acme";
    protected static final Duration PROJECTION_WAIT = Duration.ofSeconds(30);

    protected final EventCodec codec = new EventCodec();
    protected final TestClock clock = TestClock.get();
    protected final Totp totp = new Totp(TestClock.get());
    protected KafkaCompanion kafka;

    @Inject
    protected FieldKeys keys;

    @Inject
    protected RecoveryCodeHasher recoveryHasher;

    /** The challenges this replica opened: a verify that finds its challenge here is one statement. */
    @Inject
    protected dev.mfa.verification.service.OpenedChallenges openedHere;

    /** The code of an {@code mfa.sms.requested}, as notification-service opens it. */
    protected String smsCode(Events.SmsRequested request) {
        return keys.open(SealedField.SMS_CODE, request.userId(), request.code());
    }

    @BeforeEach
    void connectKafka() {
        kafka = new KafkaCompanion(KafkaTestResource.bootstrapServers());
    }

    @AfterEach
    void closeKafka() {
        clock.reset();
        kafka.close();
    }

    // ------------------------------------------------------------------ events in

    protected CloudEvent publish(String topic, EventData data) {
        CloudEvent event = codec.wrap("/test", data, Instant.now());
        publish(topic, event);
        return event;
    }

    protected void publish(String topic, CloudEvent event) {
        kafka.produceStrings()
                .fromRecords(new ProducerRecord<>(topic, event.subject(), codec.encode(event)))
                .awaitCompletion();
    }

    protected static String newUser(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    /** A TOTP factor as enrollment-service announces it; returns the Base32 secret. */
    protected TotpFactor enrollTotp(String userId, Long lastUsedStep) {
        byte[] secret = new byte[20];
        new SecureRandom().nextBytes(secret);
        String base32 = Base32.encode(secret);
        UUID factorId = UUID.randomUUID();
        publish(
                Topics.FACTORS,
                new Events.FactorEnrolled(
                        factorId,
                        userId,
                        ORG,
                        "TOTP",
                        "Phone app",
                        keys.seal(SealedField.TOTP_SECRET, userId, base32),
                        null,
                        null,
                        null,
                        lastUsedStep,
                        Instant.now()));
        awaitFactor(factorId);
        return new TotpFactor(factorId, secret);
    }

    protected UUID enrollSms(String userId, String phone) {
        UUID factorId = UUID.randomUUID();
        publish(
                Topics.FACTORS,
                new Events.FactorEnrolled(
                        factorId,
                        userId,
                        ORG,
                        "SMS",
                        "Mobile",
                        null,
                        keys.seal(SealedField.PHONE, userId, phone),
                        "+1 ••• ••• ••" + phone.substring(phone.length() - 2),
                        "US",
                        null,
                        Instant.now()));
        awaitFactor(factorId);
        return factorId;
    }

    /** Issues a recovery code; returns it in clear (as the user saved it). */
    protected RecoveryCode issueRecoveryCode(String userId) {
        String code = new RecoveryCodes().generate();
        UUID id = UUID.randomUUID();
        publish(
                Topics.FACTORS,
                new Events.RecoveryCodeIssued(id, userId, ORG, recoveryHasher.hash(code), Instant.now()));
        await().atMost(PROJECTION_WAIT)
                .until(() -> count("select count(*) from recovery_code where recovery_code_id = ?", id) == 1);
        return new RecoveryCode(id, code);
    }

    protected void setRequirement(String userId, String requirement) {
        publish(
                Topics.USER_REQUIREMENTS,
                new Events.UserRequirementChanged(userId, ORG, requirement, "NOT_REQUIRED", "test"));
        await().atMost(PROJECTION_WAIT)
                .until(() -> count(
                                "select count(*) from user_state where user_id = ? and requirement = ?",
                                userId,
                                requirement)
                        == 1);
    }

    protected void awaitFactor(UUID factorId) {
        await().atMost(PROJECTION_WAIT)
                .until(() -> count("select count(*) from factor where factor_id = ?", factorId) == 1);
    }

    public record TotpFactor(UUID factorId, byte[] secret) {}

    public record RecoveryCode(UUID id, String code) {}

    // ------------------------------------------------------------------ HTTP

    /**
     * The user's access token: one per user, as a sign-in brings the same token to its challenge and its verify (so
     * that verify is answered by {@code DirectVerifyRoute}, as in production, once this replica has seen the token).
     */
    protected static String token(String userId) {
        return TOKENS.computeIfAbsent(userId, id -> TestTokens.user(id, ORG));
    }

    private static final Map<String, String> TOKENS = new java.util.concurrent.ConcurrentHashMap<>();

    protected static Response createChallenge(String token) {
        return given().auth().oauth2(token).post("/api/v1/challenges");
    }

    /** Opens a challenge and returns its id (expects 201). */
    protected static String openChallenge(String userId) {
        return createChallenge(token(userId)).then().statusCode(201).extract().path("challengeId");
    }

    protected static Response verify(String userId, String challengeId, String method, String code) {
        return given().auth()
                .oauth2(token(userId))
                .contentType(ContentType.JSON)
                .body(Map.of("method", method, "code", code))
                .post("/api/v1/challenges/{id}/verify", challengeId);
    }

    protected static Response sendSms(String userId, String challengeId) {
        return given().auth().oauth2(token(userId)).post("/api/v1/challenges/{id}/sms", challengeId);
    }

    /** The current code of a factor, by the service's (test) clock. */
    /** A code wrong for every step of the window around now. */
    protected String wrongCode(TotpFactor factor) {
        // Wrong for every step in the window.
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%06d", candidate);
            long step = totp.currentStep();
            boolean matches = false;
            for (long s = step - 1; s <= step + 1; s++) {
                matches |= totp.generateAt(factor.secret(), s).equals(code);
            }
            if (!matches) {
                return code;
            }
        }
    }

    protected String currentCode(TotpFactor factor) {
        return totp.generate(factor.secret());
    }

    // ------------------------------------------------------------------ assertions

    /** Verifies an assertion with the committed dev assertion public key, at the service clock's time. */
    protected JwtClaims verifyAssertion(String jwt) throws Exception {
        return new JwtConsumerBuilder()
                .setVerificationKey(PemKeys.readPublicKey(PemKeys.CLASSPATH_PREFIX + "dev-assertion-public.pem"))
                .setJwsAlgorithmConstraints(
                        AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
                .setExpectedIssuer("https://mfa.local/verification")
                .setExpectedAudience("mfa")
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setRequireJwtId()
                .setEvaluationTime(NumericDate.fromSeconds(clock.instant().getEpochSecond()))
                .build()
                .processToClaims(jwt);
    }

    // ------------------------------------------------------------------ events out

    /** Events of the given topic about the user (all of them so far, oldest first). */
    protected List<CloudEvent> eventsOf(String topic, String userId, int atLeast) {
        List<CloudEvent> found = new ArrayList<>();
        await().atMost(PROJECTION_WAIT).until(() -> {
            found.clear();
            dev.mfa.localstack.testing.TopicSnapshot.read(topic).stream()
                    .filter(r -> userId.equals(r.key()))
                    .map(r -> codec.decode(r.value()))
                    .forEach(found::add);
            return found.size() >= atLeast;
        });
        return found;
    }

    // ------------------------------------------------------------------ database

    protected static long count(String sql, Object... params) throws Exception {
        try (Connection c = PostgresTestResource.connect(TestStack.DATABASE);
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    protected static int exec(String sql, Object... params) throws Exception {
        try (Connection c = PostgresTestResource.connect(TestStack.DATABASE);
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        }
    }
}
