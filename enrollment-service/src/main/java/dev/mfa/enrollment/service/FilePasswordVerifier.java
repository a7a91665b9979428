package dev.mfa.enrollment.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;

/**
 * Local password verifier: a JSON file {@code {"<userId>":"pbkdf2-sha256$<iterations>$<saltB64>$<hashB64>"}}
 * (PBKDF2WithHmacSHA256, 32-byte hash) written by the local seed loader. Re-read when the file changes.
 */
public final class FilePasswordVerifier implements PasswordVerifier {

    public static final String SCHEME = "pbkdf2-sha256";
    /** Iterations of the dummy hash run for unknown users, so that timing does not reveal who exists. */
    static final int DUMMY_ITERATIONS = 210_000;
    /** Refuse absurd costs from a corrupted file (a denial of service on our own CPU). */
    static final int MAX_ITERATIONS = 5_000_000;
    private static final byte[] DUMMY_SALT = new byte[16];

    private final Path file;
    private final ObjectMapper mapper = new ObjectMapper();
    private volatile Map<String, String> hashes = Map.of();
    private volatile FileTime loadedAt;

    public FilePasswordVerifier(Path file) {
        this.file = file;
    }

    @Override
    public boolean verify(String userId, char[] password) {
        String stored = load().get(userId);
        if (stored == null) {
            pbkdf2(password, DUMMY_SALT, DUMMY_ITERATIONS, 32);
            return false;
        }
        return matches(password, stored);
    }

    /** Constant-time comparison of a password with a stored hash; false for a malformed hash. */
    public static boolean matches(char[] password, String stored) {
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

    /** A hash in the file's format (tests and tools). */
    public static String hash(char[] password, byte[] salt, int iterations) {
        Base64.Encoder b64 = Base64.getEncoder();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(pbkdf2(password, salt, iterations, 32));
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

    private Map<String, String> load() {
        try {
            if (!Files.isRegularFile(file)) {
                return Map.of();
            }
            FileTime modified = Files.getLastModifiedTime(file);
            if (!modified.equals(loadedAt)) {
                synchronized (this) {
                    if (!modified.equals(loadedAt)) {
                        hashes = Map.copyOf(mapper.readValue(file.toFile(), new TypeReference<Map<String, String>>() {
                        }));
                        loadedAt = modified;
                    }
                }
            }
            return hashes;
        } catch (IOException e) {
            // The message may name the file but never a hash.
            throw new UncheckedIOException("cannot read the password file", new IOException(e.getClass().getSimpleName()));
        }
    }
}
