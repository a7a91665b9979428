package dev.mfa.core.otp;

import java.util.Objects;

/**
 * TOTP settings: HMAC algorithm, code length, time-step length and the number of steps accepted
 * on either side of the current one (clock drift tolerance).
 */
public record TotpParameters(OtpAlgorithm algorithm, int digits, int periodSeconds, int window) {

    public static final OtpAlgorithm DEFAULT_ALGORITHM = OtpAlgorithm.SHA1;
    public static final int DEFAULT_DIGITS = 6;
    public static final int DEFAULT_PERIOD_SECONDS = 30;
    public static final int DEFAULT_WINDOW = 1;
    /** Larger windows make guessing easier; RFC 6238 §5.2 recommends at most one step back. */
    public static final int MAX_WINDOW = 10;

    /** SHA1, 6 digits, 30 s, ±1 step: what every authenticator app supports. */
    public static final TotpParameters DEFAULT =
            new TotpParameters(DEFAULT_ALGORITHM, DEFAULT_DIGITS, DEFAULT_PERIOD_SECONDS, DEFAULT_WINDOW);

    public TotpParameters {
        Objects.requireNonNull(algorithm, "algorithm");
        Hotp.checkDigits(digits);
        if (periodSeconds <= 0) {
            throw new IllegalArgumentException("TOTP period must be positive");
        }
        if (window < 0 || window > MAX_WINDOW) {
            throw new IllegalArgumentException("TOTP window must be between 0 and " + MAX_WINDOW);
        }
    }

    /** Same parameters with another window. */
    public TotpParameters withWindow(int newWindow) {
        return new TotpParameters(algorithm, digits, periodSeconds, newWindow);
    }
}
