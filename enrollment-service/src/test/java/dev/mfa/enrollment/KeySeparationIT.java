package dev.mfa.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa.core.crypto.FieldCipher;
import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.crypto.SealedField;
import dev.mfa.enrollment.domain.Enrollment;
import dev.mfa.enrollment.domain.Factor;
import dev.mfa.enrollment.service.LegacyResealJob;
import dev.mfa.enrollment.support.Api;
import dev.mfa.enrollment.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 finding 14, enrollment side of the migration: a pending enrollment written under the single shared key of
 * before the split still confirms, and the startup job re-seals old factor rows under the totp key, bound to field,
 * user and factor. Fails on the commit before the fix (no legacy key, purpose keys or job existed).
 */
@QuarkusTest
class KeySeparationIT {

    private static final String ORG = "totp-org"; // AuthenticatorAppIT's helpers enroll there
    /** The old shared dev key, now {@code mfa.crypto.legacy-field-keys} of the test profile. */
    private static final FieldCipher LEGACY =
            FieldCipher.fromSpec("local-dev:9KNZMCs3A/SdedMQzg2ydfziN7g8lY1LCqjUSh7DLAw=", "local-dev");

    @Inject
    LegacyResealJob job;

    @Inject
    FieldKeys keys;

    @Test
    void legacyRowsStillConfirmAndTheStartupJobReSealsThem() throws Throwable {
        String user = "legacy-" + UUID.randomUUID();
        Db.user(user, ORG, null, "NOT_REQUIRED");
        var started = AuthenticatorAppIT.start(user);
        String enrollmentId = started.path("enrollmentId");
        String secret = started.path("secret");
        assertThat((String) Db.single("select secret from enrollment where enrollment_id = ?::uuid", enrollmentId))
                .startsWith("v1:totp-dev:");
        // the pending row as it was written before the split
        Db.update(
                "update enrollment set secret = ? where enrollment_id = ?::uuid",
                LEGACY.encrypt(secret, Enrollment.context(UUID.fromString(enrollmentId))),
                enrollmentId);
        String factorId = Api.user(user, ORG)
                .body(Map.of("code", AuthenticatorAppIT.currentCode(secret)))
                .post("/api/v1/me/mfa/enrollments/" + enrollmentId + "/confirm")
                .then()
                .statusCode(200)
                .extract()
                .path("factor.factorId");
        assertThat((String) Db.single("select secret from factor where factor_id = ?::uuid", factorId))
                .startsWith("v1:totp-dev:");

        // an active factor's row of before the split
        String old = LEGACY.encrypt(secret, Factor.context(UUID.fromString(factorId)));
        Db.update("update factor set secret = ? where factor_id = ?::uuid", old, factorId);
        assertThat(VertxContextSupport.subscribeAndAwait(() -> job.runOnce())).isGreaterThanOrEqualTo(1);
        String resealed = (String) Db.single("select secret from factor where factor_id = ?::uuid", factorId);
        assertThat(resealed).startsWith("v1:totp-dev:").isNotEqualTo(old);
        assertThat(keys.openAtRest(SealedField.TOTP_SECRET, user, factorId, resealed, null))
                .isEqualTo(secret);
        assertThat(VertxContextSupport.subscribeAndAwait(() -> job.runOnce()))
                .as("nothing left")
                .isZero();
    }
}
