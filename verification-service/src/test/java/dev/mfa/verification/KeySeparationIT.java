package dev.mfa.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.mfa.core.crypto.FieldCipher;
import dev.mfa.core.crypto.SealedField;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.otp.Base32;
import dev.mfa.core.recovery.RecoveryCodes;
import dev.mfa.verification.domain.Factor;
import dev.mfa.verification.service.LegacyResealJob;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 finding 14, migration side: rows and events written under the single shared key of before the split, and
 * unkeyed recovery-code hashes, keep working; the startup job re-seals the rows under the purpose keys, bound to field,
 * user and factor. Fails on the commit before the fix (no legacy key, purpose keys, keyed hashes or job existed).
 */
@QuarkusTest
class KeySeparationIT extends VerificationTestBase {

    /** The old shared dev key, now {@code mfa.crypto.legacy-field-keys} of the test profile. */
    private static final FieldCipher LEGACY = FieldCipher.fromSpec(PreloadedEvents.DEV_FIELD_KEYS, "local-dev");

    @Inject
    LegacyResealJob job;

    @Test
    void legacyRowsStillSignInAndTheStartupJobReSealsThem() throws Throwable {
        String user = newUser("legacy-row");
        TotpFactor factor = enrollTotp(user, null);
        String base32 = Base32.encode(factor.secret());
        // the row as verification-service wrote it before the split
        String old = LEGACY.encrypt(base32, Factor.secretContext(factor.factorId()));
        exec("update factor set secret_enc = ? where factor_id = ?", old, factor.factorId());
        verify(user, openChallenge(user), "TOTP", currentCode(factor))
                .then()
                .statusCode(200)
                .body("verified", equalTo(true));

        int resealed = VertxContextSupport.subscribeAndAwait(() -> job.runOnce());
        assertThat(resealed).isGreaterThanOrEqualTo(1);
        String now = single("select secret_enc from factor where factor_id = ?", factor.factorId());
        assertThat(now).startsWith("v1:totp-dev:").isNotEqualTo(old);
        assertThat(keys.openAtRest(
                        SealedField.TOTP_SECRET, user, factor.factorId().toString(), now, null))
                .isEqualTo(base32);
        assertThat(VertxContextSupport.subscribeAndAwait(() -> job.runOnce()))
                .as("nothing left")
                .isZero();

        clock.advance(Duration.ofSeconds(30));
        verify(user, openChallenge(user), "TOTP", currentCode(factor))
                .then()
                .statusCode(200)
                .body("verified", equalTo(true));
    }

    @Test
    void legacyEventsStillProject() throws Exception {
        String user = newUser("legacy-event");
        byte[] secret = new byte[20];
        new SecureRandom().nextBytes(secret);
        UUID factorId = UUID.randomUUID();
        // an mfa.factor.enrolled of an old producer: the shared key, no associated data
        publish(
                Topics.FACTORS,
                new Events.FactorEnrolled(
                        factorId,
                        user,
                        ORG,
                        "TOTP",
                        "Phone app",
                        LEGACY.encrypt(Base32.encode(secret)),
                        null,
                        null,
                        null,
                        null,
                        Instant.now()));
        awaitFactor(factorId);
        assertThat(single("select secret_enc from factor where factor_id = ?", factorId))
                .startsWith("v1:totp-dev:");
        verify(user, openChallenge(user), "TOTP", currentCode(new TotpFactor(factorId, secret)))
                .then()
                .statusCode(200)
                .body("verified", equalTo(true));
    }

    @Test
    void recoveryCodeHashesAreKeyedAndOldUnkeyedRowsStillSignIn() throws Exception {
        String user = newUser("legacy-rcode");
        enrollTotp(user, null);
        RecoveryCode keyed = issueRecoveryCode(user);
        assertThat(single("select code_hash from recovery_code where recovery_code_id = ?", keyed.id()))
                .startsWith("h256:")
                .doesNotContain(unkeyed(keyed.code()).substring("s256:".length()));

        String other = newUser("legacy-rcode-old");
        enrollTotp(other, null);
        String code = new RecoveryCodes().generate();
        UUID id = UUID.randomUUID();
        publish(Topics.FACTORS, new Events.RecoveryCodeIssued(id, other, ORG, unkeyed(code), Instant.now()));
        await().atMost(PROJECTION_WAIT)
                .until(() -> count("select count(*) from recovery_code where recovery_code_id = ?", id) == 1);
        verify(other, openChallenge(other), "RECOVERY_CODE", code)
                .then()
                .statusCode(200)
                .body("recoveryCodeUsed", equalTo(true));
    }

    /** {@code s256:} rows of before the keyed hash. */
    private static String unkeyed(String code) throws Exception {
        return "s256:"
                + Base64.getEncoder()
                        .encodeToString(MessageDigest.getInstance("SHA-256")
                                .digest(RecoveryCodes.normalize(code)
                                        .orElseThrow()
                                        .getBytes(StandardCharsets.UTF_8)));
    }

    private static String single(String sql, Object param) throws Exception {
        try (var c = dev.mfa.localstack.testing.PostgresTestResource.connect(TestStack.DATABASE);
                var ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (var rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }
}
