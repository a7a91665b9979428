package dev.mfa.core.otp;

import java.util.Locale;
import java.util.Objects;

/** HMAC algorithms usable for HOTP/TOTP, with their JCE and otpauth URI names. */
public enum OtpAlgorithm {
    SHA1("HmacSHA1", "SHA1"),
    SHA256("HmacSHA256", "SHA256"),
    SHA512("HmacSHA512", "SHA512");

    private final String jceName;
    private final String otpauthName;

    OtpAlgorithm(String jceName, String otpauthName) {
        this.jceName = jceName;
        this.otpauthName = otpauthName;
    }

    /** Name for {@link javax.crypto.Mac#getInstance(String)}. */
    public String jceName() {
        return jceName;
    }

    /** Value of the {@code algorithm=} parameter of an otpauth URI. */
    public String otpauthName() {
        return otpauthName;
    }

    /**
     * Looks up an algorithm by its otpauth name (case-insensitive).
     *
     * @throws IllegalArgumentException for an unsupported name
     */
    public static OtpAlgorithm fromOtpauthName(String name) {
        Objects.requireNonNull(name, "algorithm name");
        String upper = name.trim().toUpperCase(Locale.ROOT);
        for (OtpAlgorithm alg : values()) {
            if (alg.otpauthName.equals(upper)) {
                return alg;
            }
        }
        throw new IllegalArgumentException("Unsupported OTP algorithm (expected SHA1, SHA256 or SHA512)");
    }
}
