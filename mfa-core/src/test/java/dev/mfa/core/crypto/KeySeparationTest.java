package dev.mfa.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa.core.recovery.RecoveryCodeHasher;
import dev.mfa.core.recovery.RecoveryCodes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 finding 14, key separation: one key set per purpose, ciphertexts bound to field and user, a keyed
 * recovery-code hash, and rows of the old single key still readable. Fails on the commit before the fix (none of
 * {@link FieldKeys}, {@link SealedField}, {@link RecoveryCodeHasher} existed: one {@code FieldCipher} read everything).
 */
class KeySeparationTest {

    private static final String TOTP = FieldCipher.generateKeySpec("totp-1");
    private static final String SMS = FieldCipher.generateKeySpec("sms-1");
    private static final String EMAIL = FieldCipher.generateKeySpec("email-1");
    private static final String LEGACY = FieldCipher.generateKeySpec("k1");

    private static final String SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    /** What enrollment-service holds: every purpose, and the old key to read its old rows. */
    private final FieldKeys enrollment =
            keys(Optional.of(TOTP), Optional.of(SMS), Optional.of(EMAIL), Optional.of(LEGACY));
    /** What notification-service holds: phones, codes and addresses only. */
    private final FieldKeys notification =
            keys(Optional.empty(), Optional.of(SMS), Optional.of(EMAIL), Optional.empty());

    @Test
    void notificationCannotDecryptATotpSecret() {
        String sealed = enrollment.seal(SealedField.TOTP_SECRET, "alice", SECRET);
        assertThat(FieldCipher.keyIdOf(sealed)).contains("totp-1");

        assertThatThrownBy(() -> notification.open(SealedField.TOTP_SECRET, "alice", sealed))
                .isInstanceOf(FieldCipherException.class)
                .hasMessageNotContaining(SECRET);
        // nor by passing it off as a field notification may read
        assertThatThrownBy(() -> notification.open(SealedField.PHONE, "alice", sealed))
                .isInstanceOf(FieldCipherException.class)
                .extracting(e -> ((FieldCipherException) e).reason())
                .isEqualTo(FieldCipherException.Reason.UNKNOWN_KEY);
        // and it can still read what it must
        assertThat(notification.open(
                        SealedField.PHONE, "alice", enrollment.seal(SealedField.PHONE, "alice", "+14155550101")))
                .isEqualTo("+14155550101");
        assertThat(notification.purposes()).doesNotContain(KeyPurpose.TOTP);
        assertThat(notification.hasLegacy()).isFalse();
    }

    @Test
    void aCiphertextWithSwappedUserOrFieldFailsToDecrypt() {
        String phone = enrollment.seal(SealedField.PHONE, "alice", "+14155550101");
        String code = enrollment.seal(SealedField.SMS_CODE, "alice", "123456");

        assertThatThrownBy(() -> notification.open(SealedField.PHONE, "mallory", phone))
                .isInstanceOf(FieldCipherException.class)
                .extracting(e -> ((FieldCipherException) e).reason())
                .isEqualTo(FieldCipherException.Reason.AUTHENTICATION_FAILED);
        // same key set, other field: the code put where the phone goes
        assertThatThrownBy(() -> notification.open(SealedField.PHONE, "alice", code))
                .isInstanceOf(FieldCipherException.class)
                .extracting(e -> ((FieldCipherException) e).reason())
                .isEqualTo(FieldCipherException.Reason.AUTHENTICATION_FAILED);
        // at rest, bound to the row too
        String atRest = enrollment.sealAtRest(SealedField.TOTP_SECRET, "alice", "factor-1", SECRET);
        assertThat(enrollment.openAtRest(SealedField.TOTP_SECRET, "alice", "factor-1", atRest, null))
                .isEqualTo(SECRET);
        assertThatThrownBy(() -> enrollment.openAtRest(SealedField.TOTP_SECRET, "bob", "factor-1", atRest, null))
                .isInstanceOf(FieldCipherException.class);
        assertThatThrownBy(() -> enrollment.openAtRest(SealedField.TOTP_SECRET, "alice", "factor-2", atRest, null))
                .isInstanceOf(FieldCipherException.class);
        assertThatThrownBy(() -> enrollment.open(SealedField.TOTP_SECRET, "alice", atRest))
                .isInstanceOf(FieldCipherException.class);
    }

    @Test
    void recoveryCodeHashIsKeyed() throws Exception {
        String code = new RecoveryCodes().generate();
        RecoveryCodeHasher hasher =
                RecoveryCodeHasher.fromBase64(Base64.getEncoder().encodeToString(bytes(1)));
        RecoveryCodeHasher otherKey =
                RecoveryCodeHasher.fromBase64(Base64.getEncoder().encodeToString(bytes(2)));

        String stored = hasher.hash(code);
        assertThat(stored).startsWith("h256:");
        assertThat(hasher.matches(code, stored)).isTrue();
        assertThat(hasher.matches(code.toLowerCase(), stored)).isTrue();
        assertThat(hasher.matches(new RecoveryCodes().generate(), stored)).isFalse();
        // without the key the hash cannot be recomputed, nor checked by another key
        String unkeyed = Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("SHA-256")
                        .digest(RecoveryCodes.normalize(code).orElseThrow().getBytes(StandardCharsets.UTF_8)));
        assertThat(stored).doesNotContain(unkeyed);
        assertThat(otherKey.hash(code)).isNotEqualTo(stored);
        assertThat(otherKey.matches(code, stored)).isFalse();
        assertThat(hasher.toString()).doesNotContain(Base64.getEncoder().encodeToString(bytes(1)));
    }

    @Test
    void legacyRowsStayReadable() {
        FieldCipher old = FieldCipher.fromSpec(LEGACY, "k1");
        // an event of before the split (no context) and a row at rest (its old context)
        String oldEvent = old.encrypt(SECRET);
        String oldRow = old.encrypt("+14155550101", "factor:f-1");
        assertThat(enrollment.isLegacy(oldEvent)).isTrue();
        assertThat(enrollment.open(SealedField.TOTP_SECRET, "alice", oldEvent)).isEqualTo(SECRET);
        assertThat(enrollment.openAtRest(SealedField.PHONE, "alice", "f-1", oldRow, "factor:f-1"))
                .isEqualTo("+14155550101");
        // re-sealed, it is bound and no longer legacy
        String resealed = enrollment.sealAtRest(SealedField.PHONE, "alice", "f-1", "+14155550101");
        assertThat(enrollment.isLegacy(resealed)).isFalse();
        assertThat(FieldCipher.keyIdOf(resealed)).contains("sms-1");
        // notification never holds the old key: an old TOTP ciphertext stays closed to it
        assertThatThrownBy(() -> notification.open(SealedField.PHONE, "alice", oldEvent))
                .isInstanceOf(FieldCipherException.class);

        // old unkeyed recovery-code rows: accepted (constant-time) until replaced, never written
        String code = new RecoveryCodes().generate();
        RecoveryCodeHasher hasher = new RecoveryCodeHasher(bytes(3));
        String legacyHash = "s256:"
                + Base64.getEncoder()
                        .encodeToString(sha256(RecoveryCodes.normalize(code).orElseThrow()));
        assertThat(RecoveryCodeHasher.isLegacy(legacyHash)).isTrue();
        assertThat(hasher.matches(code, legacyHash)).isTrue();
        assertThat(hasher.matches(new RecoveryCodes().generate(), legacyHash)).isFalse();
        assertThat(RecoveryCodeHasher.isLegacy(hasher.hash(code))).isFalse();
    }

    @Test
    void keyIdsTellWhichSetAndSetsCannotBorrowEachOthersIds() {
        assertThatThrownBy(() -> keys(Optional.of(SMS), Optional.empty(), Optional.empty(), Optional.empty()))
                .isInstanceOf(FieldCipherException.class)
                .hasMessageContaining("totp");
        assertThatThrownBy(() -> keys(
                        Optional.of(TOTP),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(FieldCipher.generateKeySpec("sms-old"))))
                .isInstanceOf(FieldCipherException.class);
        // the first entry of a set encrypts, the others still decrypt (rotation)
        String next = FieldCipher.generateKeySpec("totp-2");
        FieldKeys rotated = keys(Optional.of(next + "," + TOTP), Optional.empty(), Optional.empty(), Optional.empty());
        String before = enrollment.seal(SealedField.TOTP_SECRET, "alice", SECRET);
        assertThat(rotated.open(SealedField.TOTP_SECRET, "alice", before)).isEqualTo(SECRET);
        assertThat(FieldCipher.keyIdOf(rotated.seal(SealedField.TOTP_SECRET, "alice", SECRET)))
                .contains("totp-2");
    }

    private static FieldKeys keys(
            Optional<String> totp, Optional<String> sms, Optional<String> email, Optional<String> legacy) {
        Map<KeyPurpose, Optional<String>> specs = new EnumMap<>(KeyPurpose.class);
        specs.put(KeyPurpose.TOTP, totp);
        specs.put(KeyPurpose.SMS, sms);
        specs.put(KeyPurpose.EMAIL, email);
        return FieldKeys.fromSpecs(specs, legacy);
    }

    private static byte[] bytes(int seed) {
        byte[] b = new byte[32];
        java.util.Arrays.fill(b, (byte) seed);
        return b;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
