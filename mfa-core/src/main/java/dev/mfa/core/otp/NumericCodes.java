package dev.mfa.core.otp;

import java.security.SecureRandom;
import java.util.Objects;

/** Random numeric one-time codes (e.g. for SMS), uniformly distributed with leading zeros kept. Thread-safe. */
public final class NumericCodes {

    public static final int DEFAULT_DIGITS = 6;
    public static final int MIN_DIGITS = 4;
    public static final int MAX_DIGITS = 12;

    private final SecureRandom random;

    public NumericCodes() {
        this(new SecureRandom());
    }

    public NumericCodes(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A {@value #DEFAULT_DIGITS}-digit code. */
    public String generate() {
        return generate(DEFAULT_DIGITS);
    }

    /** A code of exactly {@code digits} ASCII digits ({@value #MIN_DIGITS} to {@value #MAX_DIGITS}). */
    public String generate(int digits) {
        if (digits < MIN_DIGITS || digits > MAX_DIGITS) {
            throw new IllegalArgumentException("Code length must be between " + MIN_DIGITS + " and " + MAX_DIGITS);
        }
        char[] code = new char[digits];
        for (int i = 0; i < digits; i++) {
            // nextInt(bound) rejects out-of-range samples, so there is no modulo bias.
            code[i] = (char) ('0' + random.nextInt(10));
        }
        return new String(code);
    }
}
