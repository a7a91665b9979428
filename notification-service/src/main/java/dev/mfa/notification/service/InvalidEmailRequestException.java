package dev.mfa.notification.service;

/**
 * A well-formed {@code mfa.email.requested} that will never be sent: {@code reason} ({@code unknown_template},
 * {@code invalid_params}, {@code invalid_address}) goes into {@code mfa.email.failed}. The message names the field,
 * never its value.
 */
public class InvalidEmailRequestException extends IllegalArgumentException {

    private final String reason;

    public InvalidEmailRequestException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
