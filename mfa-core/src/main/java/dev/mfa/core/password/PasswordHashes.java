package dev.mfa.core.password;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The password-hash format of the local identity provider: {@code pbkdf2-sha256$<iterations>$<saltB64>$<hashB64>}
 * (PBKDF2WithHmacSHA256, standard Base64 with padding, 16-byte salt, 32-byte hash). The seed loader writes it,
 * enrollment-service's file verifier and the web edge's dev sign-in read it: one implementation for all three.
 */
public final class PasswordHashes {

    public static final String SCHEME = "pbkdf2-sha256";
    /** The cost of new hashes (OWASP's figure for PBKDF2-HMAC-SHA256). */
    public static final int ITERATIONS = 210_000;
    /** A stored cost above this is refused: a corrupted file must not become a denial of service on our own CPU. */
    public static final int MAX_ITERATIONS = 5_000_000;

    public static final int SALT_BYTES = 16;
    public static final int HASH_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] DUMMY_SALT = new byte[SALT_BYTES];

    private PasswordHashes() {}

    public static String hash(char[] password) {
        return hash(password, ITERATIONS);
    }

    public static String hash(char[] password, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return hash(password, salt, iterations);
    }

    public static String hash(char[] password, byte[] salt, int iterations) {
        Base64.Encoder b64 = Base64.getEncoder();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(pbkdf2(password, salt, iterations, HASH_BYTES));
    }

    /**
     * Constant-time check of a password against a stored hash; false for a missing or malformed hash. A missing one
     * (an unknown user) costs a full hash too, so that timing does not tell who exists.
     */
    public static boolean verify(char[] password, String stored) {
        if (stored == null) {
            pbkdf2(password, DUMMY_SALT, ITERATIONS, HASH_BYTES);
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
            if (iterations < 1 || iterations > MAX_ITERATIONS || expected.length == 0) {
                return false;
            }
            return MessageDigest.isEqual(expected, pbkdf2(password, salt, iterations, expected.length));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] pbkdf2(char[] password, byte[] salt, int iterations, int bytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(spec)
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
        } finally {
            spec.clearPassword();
        }
    }
}
