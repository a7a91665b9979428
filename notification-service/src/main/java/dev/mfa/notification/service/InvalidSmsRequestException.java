package dev.mfa.notification.service;

/** An event that can never be processed (missing field, undecryptable ciphertext): straight to the DLQ, no retry. */
public class InvalidSmsRequestException extends IllegalArgumentException {
    public InvalidSmsRequestException(String message) {
        super(message);
    }
}
