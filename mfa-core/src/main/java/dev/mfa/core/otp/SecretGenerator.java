package dev.mfa.core.otp;

import java.security.SecureRandom;
import java.util.Objects;

/** Generates random OTP shared secrets. Thread-safe. */
public final class SecretGenerator {

    /** 160 bits: the HMAC-SHA1 output size, recommended by RFC 4226 §4 (R6). */
    public static final int DEFAULT_SECRET_BYTES = 20;
    /** RFC 4226 §4 (R6): at least 128 bits. */
    public static final int MIN_SECRET_BYTES = 16;

    private final SecureRandom random;

    public SecretGenerator() {
        this(new SecureRandom());
    }

    public SecretGenerator(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A new {@value #DEFAULT_SECRET_BYTES}-byte secret. */
    public byte[] newSecret() {
        return newSecret(DEFAULT_SECRET_BYTES);
    }

    /** A new secret of {@code length} bytes (at least {@value #MIN_SECRET_BYTES}). */
    public byte[] newSecret(int length) {
        if (length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("OTP secrets must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        byte[] secret = new byte[length];
        random.nextBytes(secret);
        return secret;
    }
}
