package dev.mfa.core.otp;

import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-based one-time passwords (RFC 4226). Stateless and thread-safe. */
public final class Hotp {

    public static final int MIN_DIGITS = 6;
    public static final int MAX_DIGITS = 8;

    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private Hotp() {}

    /**
     * Computes the HOTP value for {@code counter}.
     *
     * @param key     shared secret (non-empty)
     * @param counter moving factor, 0 or greater (RFC 4226 treats it as an unsigned 8-byte value)
     * @param digits  6 to 8
     * @param alg     HMAC algorithm
     * @return the code, left-padded with zeros to {@code digits}
     */
    public static String generate(byte[] key, long counter, int digits, OtpAlgorithm alg) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(alg, "alg");
        if (key.length == 0) {
            throw new IllegalArgumentException("OTP key must not be empty");
        }
        if (counter < 0) {
            throw new IllegalArgumentException("OTP counter must not be negative");
        }
        checkDigits(digits);

        byte[] hash = hmac(alg, key, counterBytes(counter));
        // RFC 4226 §5.3: dynamic truncation - the low 4 bits of the last byte select a 31-bit window.
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24)
                | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8)
                | (hash[offset + 3] & 0xff);
        int otp = binary % POWERS_OF_TEN[digits];
        return zeroPad(otp, digits);
    }

    static void checkDigits(int digits) {
        if (digits < MIN_DIGITS || digits > MAX_DIGITS) {
            throw new IllegalArgumentException("OTP digits must be between " + MIN_DIGITS + " and " + MAX_DIGITS);
        }
    }

    // RFC 4226 §5.2: the counter is hashed as 8 bytes, big-endian.
    private static byte[] counterBytes(long counter) {
        byte[] bytes = new byte[8];
        for (int i = 7; i >= 0; i--) {
            bytes[i] = (byte) counter;
            counter >>>= 8;
        }
        return bytes;
    }

    private static byte[] hmac(OtpAlgorithm alg, byte[] key, byte[] message) {
        try {
            // A new Mac per call keeps this class thread-safe; Mac instances are not.
            Mac mac = Mac.getInstance(alg.jceName());
            mac.init(new SecretKeySpec(key, alg.jceName()));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC " + alg.jceName() + " unavailable", e);
        }
    }

    private static String zeroPad(int value, int digits) {
        StringBuilder sb = new StringBuilder(digits);
        String s = Integer.toString(value);
        for (int i = s.length(); i < digits; i++) {
            sb.append('0');
        }
        return sb.append(s).toString();
    }
}
