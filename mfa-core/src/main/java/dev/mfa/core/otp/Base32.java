package dev.mfa.core.otp;

import java.util.Arrays;
import java.util.Objects;

/**
 * Base32 with the RFC 4648 §6 alphabet ({@code A-Z2-7}), as used for TOTP secrets.
 *
 * <p>{@link #encode} writes upper case without padding (what authenticator apps expect).
 * {@link #decode} accepts lower case, spaces anywhere and optional trailing {@code =} padding.
 */
public final class Base32 {

    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final int[] DECODE = new int[128];

    static {
        Arrays.fill(DECODE, -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            DECODE[ALPHABET[i]] = i;
            DECODE[Character.toLowerCase(ALPHABET[i])] = i;
        }
    }

    private Base32() {}

    /** Encodes {@code data} in upper case, without padding. */
    public static String encode(byte[] data) {
        Objects.requireNonNull(data, "data");
        StringBuilder sb = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                sb.append(ALPHABET[(buffer >>> (bits - 5)) & 0x1f]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            sb.append(ALPHABET[(buffer << (5 - bits)) & 0x1f]);
        }
        return sb.toString();
    }

    /**
     * Decodes Base32 text.
     *
     * @throws IllegalArgumentException on characters outside the alphabet, misplaced padding or an
     *                                  impossible length; the message never repeats the input,
     *                                  which is usually a secret
     */
    public static byte[] decode(String text) {
        Objects.requireNonNull(text, "text");
        StringBuilder symbols = new StringBuilder(text.length());
        int padding = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ') {
                continue;
            }
            if (c == '=') {
                padding++;
                continue;
            }
            if (padding > 0) {
                throw new IllegalArgumentException("Invalid Base32: data after padding at position " + i);
            }
            if (c >= 128 || DECODE[c] < 0) {
                throw new IllegalArgumentException("Invalid Base32 character at position " + i);
            }
            symbols.append(c);
        }
        int n = symbols.length();
        // RFC 4648 §6: a final quantum has 2, 4, 5 or 7 symbols; 1, 3 or 6 cannot come from whole bytes.
        int rest = n % 8;
        if (rest == 1 || rest == 3 || rest == 6) {
            throw new IllegalArgumentException("Invalid Base32 length");
        }
        if (padding > 0 && (n + padding) % 8 != 0) {
            throw new IllegalArgumentException("Invalid Base32 padding");
        }

        byte[] out = new byte[n * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int index = 0;
        for (int i = 0; i < n; i++) {
            buffer = (buffer << 5) | DECODE[symbols.charAt(i)];
            bits += 5;
            if (bits >= 8) {
                out[index++] = (byte) (buffer >>> (bits - 8));
                bits -= 8;
            }
        }
        // Leftover bits (< 5) are padding bits of the last symbol; they are ignored for tolerance.
        return out;
    }
}
