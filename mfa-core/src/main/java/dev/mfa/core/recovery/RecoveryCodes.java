package dev.mfa.core.recovery;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.Optional;

/**
 * Recovery codes: 120 random bits written as 24 Crockford Base32 characters in six groups of
 * four, e.g. {@code 7KQ4-M2XD-0PRT-9VWA-BC3E-FGH5}.
 *
 * <p>Input is normalised before use: upper-cased, spaces/dashes/underscores removed, and the
 * Crockford confusables mapped ({@code O→0}, {@code I,L→1}). {@link #normalize} reports invalid
 * input as {@link Optional#empty()} (a typo is expected user input, not a programming error);
 * {@link #format} throws {@link IllegalArgumentException} because it should only see valid codes. Hashes for
 * storage are {@link RecoveryCodeHasher}'s (keyed).
 * Thread-safe.
 */
public final class RecoveryCodes {

    public static final int ENTROPY_BITS = 120;
    public static final int CODE_LENGTH = 24;
    public static final int GROUP_SIZE = 4;
    public static final char GROUP_SEPARATOR = '-';

    /** Crockford Base32: digits and letters without I, L, O, U. */
    static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private static final int RANDOM_BYTES = ENTROPY_BITS / 8;

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
        String normalized =
                normalize(code).orElseThrow(() -> new IllegalArgumentException("Not a valid recovery code"));
        StringBuilder sb = new StringBuilder(CODE_LENGTH + CODE_LENGTH / GROUP_SIZE);
        for (int i = 0; i < CODE_LENGTH; i += GROUP_SIZE) {
            if (i > 0) {
                sb.append(GROUP_SEPARATOR);
            }
            sb.append(normalized, i, i + GROUP_SIZE);
        }
        return sb.toString();
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
