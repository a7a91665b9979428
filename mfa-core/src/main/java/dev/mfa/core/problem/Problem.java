package dev.mfa.core.problem;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem detail. {@code detail} is written for the caller and never holds a secret, a phone
 * number or a code. {@code field} names the offending input on validation errors.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        String field,
        Integer attemptsRemaining,
        Long retryAfterSeconds) {

    public static final String MEDIA_TYPE = "application/problem+json";
    static final String TYPE_PREFIX = "https://mfa.dev/problems/";

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(TYPE_PREFIX + slug, title, status, detail, null, null, null);
    }

    public Problem withField(String name) {
        return new Problem(type, title, status, detail, name, attemptsRemaining, retryAfterSeconds);
    }

    public Problem withAttemptsRemaining(int remaining) {
        return new Problem(type, title, status, detail, field, remaining, retryAfterSeconds);
    }

    public Problem withRetryAfterSeconds(long seconds) {
        return new Problem(type, title, status, detail, field, attemptsRemaining, seconds);
    }
}
