package dev.mfa.core.crypto;

import dev.mfa.core.crypto.FieldCipherException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts single string fields with AES-256-GCM (96-bit random IV, 128-bit tag) into
 * {@code v1:<keyId>:<base64(iv || ciphertext+tag)>}.
 *
 * <p>Several keys may be configured for rotation: new values use the active key, and any
 * configured key decrypts the values naming it. An optional context (e.g. field name or user id)
 * is authenticated as associated data, so a ciphertext copied to another field or user does not
 * decrypt; a null or empty context means none. Thread-safe.
 */
public final class FieldCipher {

    public static final String VERSION = "v1";
    public static final int KEY_BYTES = 32;
    public static final int IV_BYTES = 12;
    public static final int TAG_BITS = 128;
    /** Key ids are written into every value, so they are restricted to safe characters. */
    public static final Pattern KEY_ID_PATTERN = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    private static final String PREFIX = VERSION + ":";
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int TAG_BYTES = TAG_BITS / 8;
    private static final SecureRandom KEY_RANDOM = new SecureRandom();

    private final Map<String, SecretKey> keys;
    private final String activeKeyId;
    private final SecureRandom random;

    /**
     * @param keys        key id → 32-byte AES key
     * @param activeKeyId the key used to encrypt; must be one of {@code keys}
     * @throws FieldCipherException ({@link Reason#INVALID_KEY}) on an invalid configuration
     */
    public FieldCipher(Map<String, byte[]> keys, String activeKeyId) {
        this(keys, activeKeyId, new SecureRandom());
    }

    public FieldCipher(Map<String, byte[]> keys, String activeKeyId, SecureRandom random) {
        Objects.requireNonNull(random, "random");
        if (keys == null || keys.isEmpty()) {
            throw new FieldCipherException(Reason.INVALID_KEY, "No field encryption keys configured");
        }
        Map<String, SecretKey> copy = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> entry : keys.entrySet()) {
            String id = entry.getKey();
            checkKeyId(id);
            byte[] key = entry.getValue();
            if (key == null || key.length != KEY_BYTES) {
                throw new FieldCipherException(
                        Reason.INVALID_KEY,
                        "Field encryption key '" + id + "' must be " + KEY_BYTES + " bytes (AES-256), got "
                                + (key == null ? 0 : key.length));
            }
            copy.put(id, new SecretKeySpec(key, "AES")); // SecretKeySpec copies the bytes
        }
        if (activeKeyId == null || !copy.containsKey(activeKeyId)) {
            throw new FieldCipherException(
                    Reason.INVALID_KEY,
                    "Active field encryption key id "
                            + (activeKeyId == null
                                    ? "is missing"
                                    : "'" + safeId(activeKeyId) + "' is not among the configured keys"));
        }
        this.keys = Collections.unmodifiableMap(copy);
        this.activeKeyId = activeKeyId;
        this.random = random;
    }

    /**
     * Builds a cipher from a spec such as {@code "k1:BASE64KEY,k2:BASE64KEY"} (standard base64 of
     * 32 bytes each; spaces around entries are ignored).
     *
     * @throws FieldCipherException ({@link Reason#INVALID_KEY}) on a malformed spec; the message
     *                              never contains key material
     */
    public static FieldCipher fromSpec(String keys, String activeKeyId) {
        if (keys == null || keys.isBlank()) {
            throw new FieldCipherException(Reason.INVALID_KEY, "No field encryption keys configured");
        }
        Map<String, byte[]> parsed = new LinkedHashMap<>();
        String[] entries = keys.split(",");
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].trim();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new FieldCipherException(
                        Reason.INVALID_KEY, "Field encryption key entry #" + (i + 1) + " must be <keyId>:<base64 key>");
            }
            String id = entry.substring(0, colon).trim();
            checkKeyId(id);
            byte[] key;
            try {
                key = Base64.getDecoder().decode(entry.substring(colon + 1).trim());
            } catch (IllegalArgumentException e) {
                throw new FieldCipherException(
                        Reason.INVALID_KEY, "Field encryption key '" + id + "' is not valid base64");
            }
            if (parsed.put(id, key) != null) {
                throw new FieldCipherException(
                        Reason.INVALID_KEY, "Field encryption key id '" + id + "' is configured twice");
            }
        }
        return new FieldCipher(parsed, activeKeyId == null ? null : activeKeyId.trim());
    }

    /** A new random key entry {@code <keyId>:<base64 of 32 bytes>} for {@link #fromSpec}. */
    public static String generateKeySpec(String keyId) {
        checkKeyId(keyId);
        byte[] key = new byte[KEY_BYTES];
        KEY_RANDOM.nextBytes(key);
        return keyId + ":" + Base64.getEncoder().encodeToString(key);
    }

    /** Whether {@code value} has the shape of a field ciphertext (it is not decrypted). */
    public static boolean isEncrypted(String value) {
        try {
            parse(value);
            return true;
        } catch (FieldCipherException e) {
            return false;
        }
    }

    /** The key id a ciphertext names, or empty when {@code value} is not a ciphertext. */
    public static Optional<String> keyIdOf(String value) {
        try {
            return Optional.of(parse(value).keyId());
        } catch (FieldCipherException e) {
            return Optional.empty();
        }
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    public Set<String> keyIds() {
        return keys.keySet();
    }

    /** Encrypts with the active key, without context. */
    public String encrypt(String plaintext) {
        return encrypt(plaintext, null);
    }

    /** Encrypts with the active key, binding the ciphertext to {@code context} (may be null). */
    public String encrypt(String plaintext, String context) {
        Objects.requireNonNull(plaintext, "plaintext");
        byte[] iv = new byte[IV_BYTES];
        // Random 96-bit IVs: safe for far more than this service will ever encrypt under one key (NIST SP 800-38D
        // §8.3).
        random.nextBytes(iv);
        byte[] sealed;
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, iv));
            addContext(cipher, context);
            sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption unavailable", e);
        }
        byte[] payload = ByteBuffer.allocate(IV_BYTES + sealed.length)
                .put(iv)
                .put(sealed)
                .array();
        return PREFIX + activeKeyId + ":" + Base64.getEncoder().encodeToString(payload);
    }

    /** Decrypts a value encrypted without context. */
    public String decrypt(String value) {
        return decrypt(value, null);
    }

    /**
     * Decrypts with the key the value names.
     *
     * @throws FieldCipherException when the value is malformed, names an unknown key, or fails
     *                              authentication (tampered, wrong key, wrong context)
     */
    public String decrypt(String value, String context) {
        Parsed parsed = parse(value);
        SecretKey key = keys.get(parsed.keyId());
        if (key == null) {
            throw new FieldCipherException(
                    Reason.UNKNOWN_KEY, "Encrypted value names unknown key id '" + parsed.keyId() + "'");
        }
        byte[] payload = parsed.payload();
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, payload, 0, IV_BYTES));
            addContext(cipher, context);
            byte[] plain = cipher.doFinal(payload, IV_BYTES, payload.length - IV_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new FieldCipherException(
                    Reason.AUTHENTICATION_FAILED,
                    "Encrypted value failed authentication (tampered, wrong key or wrong context)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption unavailable", e);
        }
    }

    private static void addContext(Cipher cipher, String context) {
        if (context != null && !context.isEmpty()) {
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static Parsed parse(String value) {
        if (value == null) {
            throw new FieldCipherException(Reason.MALFORMED, "Encrypted value is null");
        }
        if (!value.startsWith(PREFIX)) {
            throw new FieldCipherException(Reason.MALFORMED, "Encrypted value does not start with '" + PREFIX + "'");
        }
        int colon = value.indexOf(':', PREFIX.length());
        if (colon < 0) {
            throw new FieldCipherException(Reason.MALFORMED, "Encrypted value must be " + PREFIX + "<keyId>:<base64>");
        }
        String keyId = value.substring(PREFIX.length(), colon);
        if (!KEY_ID_PATTERN.matcher(keyId).matches()) {
            throw new FieldCipherException(Reason.MALFORMED, "Encrypted value has an invalid key id");
        }
        byte[] payload;
        try {
            payload = Base64.getDecoder().decode(value.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new FieldCipherException(Reason.MALFORMED, "Encrypted value is not valid base64");
        }
        if (payload.length < IV_BYTES + TAG_BYTES) {
            throw new FieldCipherException(Reason.MALFORMED, "Encrypted value is too short");
        }
        return new Parsed(keyId, payload);
    }

    private static void checkKeyId(String keyId) {
        if (keyId == null || !KEY_ID_PATTERN.matcher(keyId).matches()) {
            throw new FieldCipherException(
                    Reason.INVALID_KEY, "Field encryption key ids must match " + KEY_ID_PATTERN.pattern());
        }
    }

    // The active id comes from configuration; only echo it when it is a harmless key id.
    private static String safeId(String id) {
        return KEY_ID_PATTERN.matcher(id).matches() ? id : "<invalid>";
    }

    private record Parsed(String keyId, byte[] payload) {}

    @Override
    public String toString() {
        return "FieldCipher[activeKeyId=" + activeKeyId + ", keyIds=" + keys.keySet() + "]";
    }
}
