package dev.mfa.enrollment.domain;

import java.util.Arrays;
import java.util.Optional;

/** Second-factor methods a user can enroll. */
public enum Method {
    TOTP,
    SMS;

    /** Exact, case-sensitive match of the contract's names. */
    public static Optional<Method> parse(String value) {
        return Arrays.stream(values()).filter(m -> m.name().equals(value)).findFirst();
    }
}
