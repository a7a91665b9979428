package dev.mfa.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa.core.crypto.FieldCipherException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FieldCipherTest {

    private static final byte[] K1 = key(1);
    private static final byte[] K2 = key(2);
    private static final String SECRET = "JBSWY3DPEHPK3PXP";

    private static byte[] key(int fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) fill);
        return key;
    }

    private static FieldCipher cipher(String active, Object... idsAndKeys) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (int i = 0; i < idsAndKeys.length; i += 2) {
            keys.put((String) idsAndKeys[i], (byte[]) idsAndKeys[i + 1]);
        }
        return new FieldCipher(keys, active);
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private final FieldCipher k1 = cipher("k1", "k1", K1);

    // --- round trip and format ---

    @ParameterizedTest
    @ValueSource(strings = {"", "a", SECRET, "+14155550123", "Zürich ☎ 電話 😀", "with:colons,and=signs"})
    void roundTrips(String plaintext) {
        String encrypted = k1.encrypt(plaintext);
        assertThat(k1.decrypt(encrypted)).isEqualTo(plaintext);
    }

    @Test
    void formatIsVersionKeyIdAndBase64OfIvCiphertextAndTag() {
        String encrypted = k1.encrypt(SECRET);
        assertThat(encrypted).matches("v1:k1:[A-Za-z0-9+/]+={0,2}").doesNotContain(SECRET);
        byte[] payload = Base64.getDecoder().decode(encrypted.substring("v1:k1:".length()));
        // 12-byte IV + UTF-8 plaintext + 16-byte tag.
        assertThat(payload).hasSize(12 + SECRET.getBytes(StandardCharsets.UTF_8).length + 16);
    }

    @Test
    void ciphertextIsStandardAesGcm() throws Exception {
        // Decrypting with plain JCE proves the documented layout (so other tools can read values).
        String encrypted = k1.encrypt("+14155550123", "phone");
        byte[] payload = Base64.getDecoder().decode(encrypted.substring("v1:k1:".length()));
        Cipher jce = Cipher.getInstance("AES/GCM/NoPadding");
        jce.init(Cipher.DECRYPT_MODE, new SecretKeySpec(K1, "AES"), new GCMParameterSpec(128, payload, 0, 12));
        jce.updateAAD("phone".getBytes(StandardCharsets.UTF_8));
        byte[] plain = jce.doFinal(payload, 12, payload.length - 12);
        assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo("+14155550123");
    }

    @Test
    void samePlaintextEncryptsDifferentlyEachTime() {
        Set<String> values = new HashSet<>();
        Set<String> ivs = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String encrypted = k1.encrypt(SECRET);
            values.add(encrypted);
            byte[] payload = Base64.getDecoder().decode(encrypted.substring(6));
            ivs.add(b64(Arrays.copyOf(payload, 12)));
        }
        assertThat(values).hasSize(200);
        assertThat(ivs).hasSize(200);
    }

    @Test
    void isEncryptedAndKeyIdOf() {
        String encrypted = k1.encrypt(SECRET);
        assertThat(FieldCipher.isEncrypted(encrypted)).isTrue();
        assertThat(FieldCipher.keyIdOf(encrypted)).contains("k1");
        assertThat(FieldCipher.isEncrypted(SECRET)).isFalse();
        assertThat(FieldCipher.isEncrypted(null)).isFalse();
        assertThat(FieldCipher.isEncrypted("")).isFalse();
        assertThat(FieldCipher.isEncrypted("v1:k1:")).isFalse();
        assertThat(FieldCipher.isEncrypted("v1:k1:" + b64(new byte[27]))).isFalse();
        assertThat(FieldCipher.isEncrypted("v1:k1:" + b64(new byte[28]))).isTrue();
        assertThat(FieldCipher.keyIdOf("+14155550123")).isEmpty();
    }

    // --- rotation ---

    @Test
    void activeKeyEncryptsAndEveryKeyDecryptsAfterRotation() {
        FieldCipher before = cipher("k1", "k1", K1);
        String oldValue = before.encrypt(SECRET);

        FieldCipher after = cipher("k2", "k1", K1, "k2", K2);
        String newValue = after.encrypt(SECRET);

        assertThat(after.activeKeyId()).isEqualTo("k2");
        assertThat(after.keyIds()).containsExactly("k1", "k2");
        assertThat(FieldCipher.keyIdOf(oldValue)).contains("k1");
        assertThat(FieldCipher.keyIdOf(newValue)).contains("k2");
        assertThat(newValue).startsWith("v1:k2:");
        assertThat(after.decrypt(oldValue)).isEqualTo(SECRET);
        assertThat(after.decrypt(newValue)).isEqualTo(SECRET);
        // A node that has not learned k2 yet reports an unknown key rather than garbage.
        assertThatThrownBy(() -> before.decrypt(newValue))
                .isInstanceOf(FieldCipherException.class)
                .extracting(e -> ((FieldCipherException) e).reason())
                .isEqualTo(Reason.UNKNOWN_KEY);
    }

    @Test
    void unknownKeyIdIsReported() {
        String value = cipher("k9", "k9", K1).encrypt(SECRET);
        assertThatThrownBy(() -> k1.decrypt(value))
                .isInstanceOf(FieldCipherException.class)
                .hasMessage("Encrypted value names unknown key id 'k9'")
                .extracting(e -> ((FieldCipherException) e).reason())
                .isEqualTo(Reason.UNKNOWN_KEY);
    }

    @Test
    void relabelledKeyIdFailsAuthentication() {
        FieldCipher both = cipher("k1", "k1", K1, "k2", K2);
        String value = both.encrypt(SECRET).replace("v1:k1:", "v1:k2:");
        assertAuthFails(() -> both.decrypt(value));
    }

    // --- tampering ---

    @Test
    void tamperedCiphertextIvOrTagFailsAuthentication() {
        String value = k1.encrypt(SECRET, "user-1");
        byte[] payload = Base64.getDecoder().decode(value.substring(6));
        int[] positions = {0, 11, 12, 12 + SECRET.length() - 1, payload.length - 16, payload.length - 1};
        for (int position : positions) {
            byte[] tampered = payload.clone();
            tampered[position] ^= 0x01;
            String tamperedValue = "v1:k1:" + b64(tampered);
            assertAuthFails(() -> k1.decrypt(tamperedValue, "user-1"));
        }
    }

    @Test
    void truncatedOrExtendedPayloadFails() {
        String value = k1.encrypt(SECRET);
        byte[] payload = Base64.getDecoder().decode(value.substring(6));
        assertAuthFails(() -> k1.decrypt("v1:k1:" + b64(Arrays.copyOf(payload, payload.length - 1))));
        assertAuthFails(() -> k1.decrypt("v1:k1:" + b64(Arrays.copyOf(payload, payload.length + 1))));
    }

    @Test
    void wrongKeyFailsAuthentication() {
        String value = cipher("k1", "k1", K1).encrypt(SECRET);
        FieldCipher impostor = cipher("k1", "k1", K2);
        assertAuthFails(() -> impostor.decrypt(value));
    }

    // --- context (associated data) ---

    @Test
    void contextBindsCiphertext() {
        String value = k1.encrypt(SECRET, "totp_secret:user-1");
        assertThat(k1.decrypt(value, "totp_secret:user-1")).isEqualTo(SECRET);
        assertAuthFails(() -> k1.decrypt(value, "totp_secret:user-2"));
        assertAuthFails(() -> k1.decrypt(value, "phone:user-1"));
        assertAuthFails(() -> k1.decrypt(value));
        assertAuthFails(() -> k1.decrypt(k1.encrypt(SECRET), "totp_secret:user-1"));
    }

    @Test
    void nullAndEmptyContextMeanNoContext() {
        assertThat(k1.decrypt(k1.encrypt(SECRET, null))).isEqualTo(SECRET);
        assertThat(k1.decrypt(k1.encrypt(SECRET, ""))).isEqualTo(SECRET);
        assertThat(k1.decrypt(k1.encrypt(SECRET), "")).isEqualTo(SECRET);
    }

    @Test
    void contextIsUtf8() {
        String value = k1.encrypt(SECRET, "Zürich");
        assertThat(k1.decrypt(value, "Zürich")).isEqualTo(SECRET);
        assertAuthFails(() -> k1.decrypt(value, "Zurich"));
    }

    // --- malformed values ---

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "JBSWY3DPEHPK3PXP",
                "v1",
                "v1:",
                "v1:k1",
                "v2:k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                "V1:k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                "v1::AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                "v1:k 1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                "v1:k1:",
                "v1:k1:AAAA",
                "v1:k1:not base64!",
                "v1:k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:extra",
                "v1:k1:-_-_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            })
    void malformedValuesAreReported(String value) {
        assertThatThrownBy(() -> k1.decrypt(value))
                .isInstanceOf(FieldCipherException.class)
                .extracting(e -> ((FieldCipherException) e).reason())
                .isEqualTo(Reason.MALFORMED);
        assertThat(FieldCipher.isEncrypted(value)).isFalse();
    }

    @Test
    void nullValueIsMalformed() {
        assertThatThrownBy(() -> k1.decrypt(null))
                .isInstanceOf(FieldCipherException.class)
                .hasMessage("Encrypted value is null");
    }

    @Test
    void keyIdTooLongIsMalformed() {
        String id33 = "k".repeat(33);
        assertThatThrownBy(() -> k1.decrypt("v1:" + id33 + ":" + b64(new byte[40])))
                .isInstanceOf(FieldCipherException.class)
                .hasMessage("Encrypted value has an invalid key id");
    }

    @Test
    void errorMessagesNeverContainPlaintextCiphertextOrKeys() {
        String value = k1.encrypt(SECRET, "ctx");
        String payload = value.substring(6);
        List<Throwable> errors = new ArrayList<>();
        errors.add(catchFieldCipher(() -> k1.decrypt(value, "other")));
        errors.add(catchFieldCipher(() -> k1.decrypt(value + "!")));
        errors.add(catchFieldCipher(() -> cipher("k2", "k2", K2).decrypt(value)));
        errors.add(catchFieldCipher(() -> FieldCipher.fromSpec("k1:" + b64(new byte[16]), "k1")));
        errors.add(catchFieldCipher(() -> FieldCipher.fromSpec("k1:" + b64(K1) + "!", "k1")));
        for (Throwable error : errors) {
            assertThat(error.getMessage())
                    .doesNotContain(SECRET)
                    .doesNotContain(payload.substring(0, 16))
                    .doesNotContain(b64(K1).substring(0, 16))
                    .doesNotContain(b64(new byte[16]).substring(0, 16));
            assertThat(error.getCause()).isNull();
        }
    }

    // --- configuration ---

    @Test
    void fromSpecParsesSeveralKeys() {
        FieldCipher fromSpec = FieldCipher.fromSpec(" k1:" + b64(K1) + " , k2:" + b64(K2) + ",", "k2");
        assertThat(fromSpec.activeKeyId()).isEqualTo("k2");
        assertThat(fromSpec.keyIds()).containsExactly("k1", "k2");
        assertThat(fromSpec.decrypt(k1.encrypt(SECRET))).isEqualTo(SECRET);
        assertThat(cipher("k2", "k2", K2).decrypt(fromSpec.encrypt(SECRET))).isEqualTo(SECRET);
    }

    @Test
    void fromSpecAcceptsUnpaddedBase64() {
        String unpadded = b64(K1).replace("=", "");
        assertThat(FieldCipher.fromSpec("k1:" + unpadded, "k1").decrypt(k1.encrypt(SECRET)))
                .isEqualTo(SECRET);
    }

    @Test
    void generatedKeySpecIsUsable() {
        String spec = FieldCipher.generateKeySpec("2025-01_a");
        assertThat(spec).startsWith("2025-01_a:");
        assertThat(Base64.getDecoder().decode(spec.substring(spec.indexOf(':') + 1)))
                .hasSize(32);
        FieldCipher generated = FieldCipher.fromSpec(spec, "2025-01_a");
        assertThat(generated.decrypt(generated.encrypt(SECRET))).isEqualTo(SECRET);
        assertThat(FieldCipher.generateKeySpec("k1")).isNotEqualTo(FieldCipher.generateKeySpec("k1"));
        assertInvalidKey(() -> FieldCipher.generateKeySpec("bad id"), "must match");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 16, 24, 31, 33, 64})
    void wrongKeyLengthIsRejected(int length) {
        assertInvalidKey(
                () -> cipher("k1", "k1", new byte[length]),
                "Field encryption key 'k1' must be 32 bytes (AES-256), got " + length);
        assertInvalidKey(
                () -> FieldCipher.fromSpec("k1:" + b64(new byte[length]), "k1"),
                "must be 32 bytes (AES-256), got " + length);
    }

    @Test
    void invalidConfigurationsAreRejected() {
        assertInvalidKey(() -> new FieldCipher(Map.of(), "k1"), "No field encryption keys configured");
        assertInvalidKey(() -> new FieldCipher(null, "k1"), "No field encryption keys configured");
        assertInvalidKey(() -> cipher("k2", "k1", K1), "Active field encryption key id 'k2' is not among");
        assertInvalidKey(() -> cipher(null, "k1", K1), "Active field encryption key id is missing");
        assertInvalidKey(() -> cipher("k1", "k1", null), "got 0");
        Map<String, byte[]> badId = new HashMap<>();
        badId.put("k:1", K1);
        assertInvalidKey(() -> new FieldCipher(badId, "k:1"), "must match [A-Za-z0-9_-]{1,32}");
        assertInvalidKey(() -> cipher("k".repeat(33), "k".repeat(33), K1), "must match");
        assertInvalidKey(() -> FieldCipher.fromSpec("", "k1"), "No field encryption keys configured");
        assertInvalidKey(() -> FieldCipher.fromSpec(null, "k1"), "No field encryption keys configured");
        assertInvalidKey(() -> FieldCipher.fromSpec(b64(K1), "k1"), "entry #1 must be <keyId>:<base64 key>");
        assertInvalidKey(() -> FieldCipher.fromSpec(":" + b64(K1), "k1"), "entry #1 must be");
        assertInvalidKey(() -> FieldCipher.fromSpec("k1:" + b64(K1) + ",k1:" + b64(K2), "k1"), "configured twice");
        assertInvalidKey(() -> FieldCipher.fromSpec("k1:%%%", "k1"), "Field encryption key 'k1' is not valid base64");
        assertInvalidKey(() -> FieldCipher.fromSpec("k1:" + b64(K1), "k2"), "'k2' is not among");
        assertInvalidKey(() -> FieldCipher.fromSpec("k1:" + b64(K1), "evil\nlog"), "'<invalid>' is not among");
    }

    @Test
    void keyBytesAreCopied() {
        byte[] key = K1.clone();
        FieldCipher c = cipher("k1", "k1", key);
        Arrays.fill(key, (byte) 0);
        assertThat(c.decrypt(k1.encrypt(SECRET))).isEqualTo(SECRET);
    }

    @Test
    void toStringShowsNoKeyMaterial() {
        FieldCipher c = cipher("k2", "k1", K1, "k2", K2);
        assertThat(c.toString()).contains("k2").doesNotContain(b64(K1)).doesNotContain(b64(K2));
    }

    @Test
    void nullPlaintextIsRejected() {
        assertThatThrownBy(() -> k1.encrypt(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void isThreadSafe() throws Exception {
        FieldCipher shared = cipher("k2", "k1", K1, "k2", K2);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        String plain = "t" + thread + "-" + i;
                        String ctx = "ctx" + i;
                        if (!shared.decrypt(shared.encrypt(plain, ctx), ctx).equals(plain)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertAuthFails(Runnable decrypt) {
        assertThatThrownBy(decrypt::run)
                .isInstanceOf(FieldCipherException.class)
                .hasMessage("Encrypted value failed authentication (tampered, wrong key or wrong context)")
                .extracting(e -> ((FieldCipherException) e).reason())
                .isEqualTo(Reason.AUTHENTICATION_FAILED);
    }

    private static void assertInvalidKey(Runnable action, String messagePart) {
        assertThatThrownBy(action::run)
                .isInstanceOf(FieldCipherException.class)
                .hasMessageContaining(messagePart)
                .extracting(e -> ((FieldCipherException) e).reason())
                .isEqualTo(Reason.INVALID_KEY);
    }

    private static Throwable catchFieldCipher(Runnable action) {
        try {
            action.run();
        } catch (FieldCipherException e) {
            return e;
        }
        throw new AssertionError("expected FieldCipherException");
    }
}
