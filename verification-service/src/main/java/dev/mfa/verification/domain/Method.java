package dev.mfa.verification.domain;

import java.util.Optional;

/** Second-factor methods of a challenge (CONTRACT §4) and their {@code amr} values (RFC 8176). */
public enum Method {
    TOTP("otp"),
    SMS("sms"),
    RECOVERY_CODE("rcode");

    private final String amr;

    Method(String amr) {
        this.amr = amr;
    }

    public String amr() {
        return amr;
    }

    public static Optional<Method> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (Method m : values()) {
            if (m.name().equals(value)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
