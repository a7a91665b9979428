package dev.mfa.localstack;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Password hashes of the local identity provider, in the format enrollment-service's local password verifier reads:
 * {@code pbkdf2-sha256$<iterations>$<saltB64>$<hashB64>} (PBKDF2WithHmacSHA256, standard Base64 with padding,
 * 16-byte salt, 32-byte hash).
 */
public final class PasswordHashes {

    public static final String SCHEME = "pbkdf2-sha256";
    public static final int ITERATIONS = 210_000;
    public static final int SALT_BYTES = 16;
    public static final int HASH_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHashes() {
    }

    public static String hash(char[] password) {
        return hash(password, ITERATIONS);
    }

    public static String hash(char[] password, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] hash = pbkdf2(password, salt, iterations, HASH_BYTES);
        Base64.Encoder b64 = Base64.getEncoder();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /** Constant-time check of a password against a stored hash; false for any malformed hash. */
    public static boolean verify(char[] password, String stored) {
        if (stored == null) {
            return false;
        }
        String[] parts = stored.split("\\$");
        if (parts.length != 4 || !SCHEME.equals(parts[0])) {
            return false;
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            if (iterations < 1 || expected.length == 0) {
                return false;
            }
            return MessageDigest.isEqual(expected, pbkdf2(password, salt, iterations, expected.length));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static byte[] pbkdf2(char[] password, byte[] salt, int iterations, int bytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
        } finally {
            spec.clearPassword();
        }
    }
}
