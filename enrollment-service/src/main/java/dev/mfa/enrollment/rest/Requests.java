package dev.mfa.enrollment.rest;

import dev.mfa.core.problem.ProblemException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Request bodies and their shape checks (400 naming the field; nothing is read or written before them). */
final class Requests {

    static final int MAX_PASSWORD_LENGTH = 1024;
    static final int MAX_CODE_LENGTH = 32;
    static final int CODE_DIGITS = 6;

    private Requests() {}

    record ReauthRequest(String password) {
        @Override
        public String toString() {
            return "ReauthRequest[***]";
        }
    }

    record SmsRequest(String countryCode, String phoneNumber) {
        @Override
        public String toString() {
            return "SmsRequest[" + countryCode + ", ***]";
        }
    }

    record ConfirmRequest(String code) {
        @Override
        public String toString() {
            return "ConfirmRequest[***]";
        }
    }

    record PolicyRequest(Boolean enabled, Instant enforcementDeadline, List<String> allowedMethods) {}

    record AvailabilityRequest(Boolean available) {}

    record ExemptionRequest(Instant until, String reason) {}

    static ProblemException invalid(String field, String detail) {
        return ProblemException.invalidRequest(field, detail);
    }

    static <T> T body(T body) {
        if (body == null) {
            throw invalid(null, "A JSON body is required.");
        }
        return body;
    }

    static String password(ReauthRequest request) {
        String password = body(request).password();
        if (password == null || password.isEmpty()) {
            throw invalid("password", "password is required.");
        }
        if (password.length() > MAX_PASSWORD_LENGTH) {
            throw invalid("password", "password is too long.");
        }
        return password;
    }

    /** Six ASCII digits; spaces are ignored (apps show "123 456"). */
    static String code(ConfirmRequest request) {
        String code = body(request).code();
        if (code == null || code.length() > MAX_CODE_LENGTH) {
            throw invalid("code", "code must be the 6-digit code.");
        }
        String digits = code.replace(" ", "");
        if (digits.length() != CODE_DIGITS || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid("code", "code must be the 6-digit code.");
        }
        return digits;
    }

    /** Path ids that are not UUIDs cannot name anything of the caller's: 404 like any foreign id. */
    static UUID id(String value, String what) {
        try {
            if (value != null && value.length() == 36) {
                return UUID.fromString(value);
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw ProblemException.notFound("No such " + what + ".");
    }
}
