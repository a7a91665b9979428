package dev.mfa.core.recovery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Storable recovery-code hashes keyed with a server key: {@code "h256:" + base64(HMAC-SHA256(key, normalised code))}.
 * A copied database or a read of {@code mfa.recovery-code.issued} events no longer lets anyone test guesses offline
 * without the key, which only enrollment-service (hashes) and verification-service (checks) hold.
 *
 * <p>{@link #matches} still accepts the unkeyed {@code "s256:" + base64(SHA-256(code))} of rows written before:
 * they cannot be re-hashed without the code, so they stay until the user's next code replaces them. Comparisons are
 * constant-time. Thread-safe.
 */
public final class RecoveryCodeHasher {

    public static final String PREFIX = "h256:";
    /** The unkeyed hash of codes issued before the key existed; accepted, never written. */
    public static final String LEGACY_PREFIX = "s256:";

    public static final int MIN_KEY_BYTES = 32;

    private static final String HMAC = "HmacSHA256";
    private static final int HASH_BYTES = 32;

    private final SecretKeySpec key;

    public RecoveryCodeHasher(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException(
                    "Recovery-code hashing key must be at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(key, HMAC);
    }

    /** A hasher whose key is given in standard base64 (as in configuration). */
    public static RecoveryCodeHasher fromBase64(String base64Key) {
        Objects.requireNonNull(base64Key, "base64Key");
        try {
            return new RecoveryCodeHasher(Base64.getDecoder().decode(base64Key.trim()));
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("Recovery-code")) {
                throw e;
            }
            throw new IllegalArgumentException("Recovery-code hashing key is not valid base64");
        }
    }

    /**
     * The storable keyed hash of a code.
     *
     * @throws IllegalArgumentException when {@code code} is not a valid recovery code
     */
    public String hash(String code) {
        String normalized = RecoveryCodes.normalize(code)
                .orElseThrow(() -> new IllegalArgumentException("Not a valid recovery code"));
        return PREFIX + Base64.getEncoder().encodeToString(hmac(normalized));
    }

    /**
     * Whether {@code input} is the code behind {@code storedHash} ({@code h256:}, or a legacy {@code s256:} row);
     * false for malformed input or hash.
     */
    public boolean matches(String input, String storedHash) {
        Optional<String> normalized = RecoveryCodes.normalize(input);
        if (storedHash == null || normalized.isEmpty()) {
            return false;
        }
        byte[] expected;
        String body;
        if (storedHash.startsWith(PREFIX)) {
            expected = hmac(normalized.get());
            body = storedHash.substring(PREFIX.length());
        } else if (storedHash.startsWith(LEGACY_PREFIX)) {
            expected = legacySha256(normalized.get());
            body = storedHash.substring(LEGACY_PREFIX.length());
        } else {
            return false;
        }
        byte[] stored;
        try {
            stored = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return stored.length == HASH_BYTES && MessageDigest.isEqual(expected, stored);
    }

    /** Whether a stored hash is of the old unkeyed kind. */
    public static boolean isLegacy(String storedHash) {
        return storedHash != null && storedHash.startsWith(LEGACY_PREFIX);
    }

    /** The unkeyed hash rows used to hold; for tests of the legacy path and nothing else. */
    static String legacyHash(String code) {
        String normalized = RecoveryCodes.normalize(code)
                .orElseThrow(() -> new IllegalArgumentException("Not a valid recovery code"));
        return LEGACY_PREFIX + Base64.getEncoder().encodeToString(legacySha256(normalized));
    }

    private byte[] hmac(String normalized) {
        try {
            Mac mac = Mac.getInstance(HMAC); // per call: Mac is not thread-safe
            mac.init(key);
            return mac.doFinal(normalized.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(HMAC + " unavailable", e);
        }
    }

    private static byte[] legacySha256(String normalized) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(normalized.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "RecoveryCodeHasher[key=***]";
    }
}
