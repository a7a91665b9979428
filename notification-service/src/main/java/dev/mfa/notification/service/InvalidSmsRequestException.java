package dev.mfa.notification.service;

/** An event that can never be processed (missing field, undecryptable ciphertext): its record goes to the DLQ. */
public class InvalidSmsRequestException extends RuntimeException {
    public InvalidSmsRequestException(String message) {
        super(message, null, false, false);
    }
}
