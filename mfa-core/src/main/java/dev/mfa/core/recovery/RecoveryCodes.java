package dev.mfa.core.recovery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Recovery codes: 120 random bits written as 24 Crockford Base32 characters in six groups of
 * four, e.g. {@code 7KQ4-M2XD-0PRT-9VWA-BC3E-FGH5}.
 *
 * <p>Input is normalised before use: upper-cased, spaces/dashes/underscores removed, and the
 * Crockford confusables mapped ({@code O→0}, {@code I,L→1}). {@link #normalize} reports invalid
 * input as {@link Optional#empty()} (a typo is expected user input, not a programming error);
 * {@link #hash} throws {@link IllegalArgumentException} because it should only see valid codes.
 * Thread-safe.
 */
public final class RecoveryCodes {

    public static final int ENTROPY_BITS = 120;
    public static final int CODE_LENGTH = 24;
    public static final int GROUP_SIZE = 4;
    public static final char GROUP_SEPARATOR = '-';
    public static final String HASH_PREFIX = "s256:";

    /** Crockford Base32: digits and letters without I, L, O, U. */
    static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private static final int RANDOM_BYTES = ENTROPY_BITS / 8;
    private static final int SHA256_BYTES = 32;

    private final SecureRandom random;

    public RecoveryCodes() {
        this(new SecureRandom());
    }

    public RecoveryCodes(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A new code in display form ({@code XXXX-XXXX-XXXX-XXXX-XXXX-XXXX}). */
    public String generate() {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        return format(encode(bytes));
    }

    /**
     * The canonical form of a code (24 upper-case Crockford characters, no separators), or empty
     * when the input is null, has the wrong length or characters outside the alphabet.
     */
    public static Optional<String> normalize(String input) {
        if (input == null) {
            return Optional.empty();
        }
        StringBuilder sb = new StringBuilder(CODE_LENGTH);
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            if (c == ' ' || c == '-' || c == '_' || c == '\t') {
                continue;
            }
            if (sb.length() == CODE_LENGTH) {
                return Optional.empty(); // too long; stop before reading an arbitrarily long input
            }
            char mapped = canonical(c);
            if (mapped == 0) {
                return Optional.empty();
            }
            sb.append(mapped);
        }
        return sb.length() == CODE_LENGTH ? Optional.of(sb.toString()) : Optional.empty();
    }

    /** Display form of a code: the normalised code in groups of four separated by dashes. */
    public static String format(String code) {
        String normalized = normalize(code)
                .orElseThrow(() -> new IllegalArgumentException("Not a valid recovery code"));
        StringBuilder sb = new StringBuilder(CODE_LENGTH + CODE_LENGTH / GROUP_SIZE);
        for (int i = 0; i < CODE_LENGTH; i += GROUP_SIZE) {
            if (i > 0) {
                sb.append(GROUP_SEPARATOR);
            }
            sb.append(normalized, i, i + GROUP_SIZE);
        }
        return sb.toString();
    }

    /**
     * The storable hash {@code "s256:" + base64(SHA-256(normalised code))}.
     *
     * @throws IllegalArgumentException when {@code code} is not a valid recovery code
     */
    public static String hash(String code) {
        String normalized = normalize(code)
                .orElseThrow(() -> new IllegalArgumentException("Not a valid recovery code"));
        return HASH_PREFIX + Base64.getEncoder().encodeToString(sha256(normalized));
    }

    /** Whether {@code input} is the code behind {@code storedHash}; false for malformed input or hash. */
    public static boolean matches(String input, String storedHash) {
        if (storedHash == null || !storedHash.startsWith(HASH_PREFIX)) {
            return false;
        }
        Optional<String> normalized = normalize(input);
        if (normalized.isEmpty()) {
            return false;
        }
        byte[] stored;
        try {
            stored = Base64.getDecoder().decode(storedHash.substring(HASH_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return stored.length == SHA256_BYTES && MessageDigest.isEqual(sha256(normalized.get()), stored);
    }

    // 120 random bits cannot be brute-forced, so a fast unsalted hash is enough (no bcrypt/Argon2 needed).
    private static byte[] sha256(String normalized) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(normalized.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static String encode(byte[] bytes) {
        StringBuilder sb = new StringBuilder(CODE_LENGTH);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                sb.append(ALPHABET.charAt((buffer >>> (bits - 5)) & 0x1f));
                bits -= 5;
            }
        }
        return sb.toString(); // 120 bits = exactly 24 symbols, nothing left over
    }

    // Returns the canonical alphabet character, or 0 when c is not acceptable.
    private static char canonical(char c) {
        if (c >= 'a' && c <= 'z') {
            c = (char) (c - 'a' + 'A');
        }
        switch (c) {
            case 'O':
                return '0';
            case 'I':
            case 'L':
                return '1';
            default:
                return ALPHABET.indexOf(c) >= 0 ? c : 0;
        }
    }
}
