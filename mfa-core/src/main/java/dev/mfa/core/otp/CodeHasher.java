package dev.mfa.core.otp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed hashes of short one-time codes for storage: {@code "h1:" + base64(HMAC-SHA256(serverKey, code))}.
 *
 * <p>A 6-digit code has only 10^6 values, so a plain or salted hash is reversed by brute force in
 * milliseconds; the server-side key makes a leaked hash useless without the key. Thread-safe.
 */
public final class CodeHasher {

    public static final String PREFIX = "h1:";
    /** HMAC-SHA256 keys shorter than its 256-bit output weaken it. */
    public static final int MIN_KEY_BYTES = 32;

    private static final String HMAC = "HmacSHA256";
    private static final int MAC_BYTES = 32;

    private final SecretKeySpec key;

    /** @param serverKey at least {@value #MIN_KEY_BYTES} random bytes, kept out of the database */
    public CodeHasher(byte[] serverKey) {
        Objects.requireNonNull(serverKey, "serverKey");
        if (serverKey.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("Code hashing key must be at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(serverKey, HMAC);
    }

    /** A hasher whose key is given in standard base64 (as in configuration). */
    public static CodeHasher fromBase64(String base64Key) {
        Objects.requireNonNull(base64Key, "base64Key");
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64Key.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Code hashing key is not valid base64");
        }
        return new CodeHasher(bytes);
    }

    /** The storable hash of {@code code}. */
    public String hash(String code) {
        Objects.requireNonNull(code, "code");
        return PREFIX + Base64.getEncoder().encodeToString(mac(code));
    }

    /** Whether {@code code} hashes to {@code hash}, compared in constant time; false for null or malformed values. */
    public boolean matches(String code, String hash) {
        if (code == null || hash == null || !hash.startsWith(PREFIX)) {
            return false;
        }
        byte[] stored;
        try {
            stored = Base64.getDecoder().decode(hash.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (stored.length != MAC_BYTES) {
            return false;
        }
        return MessageDigest.isEqual(mac(code), stored);
    }

    private byte[] mac(String code) {
        try {
            Mac mac = Mac.getInstance(HMAC); // per call: Mac is not thread-safe
            mac.init(key);
            return mac.doFinal(code.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(HMAC + " unavailable", e);
        }
    }
}
