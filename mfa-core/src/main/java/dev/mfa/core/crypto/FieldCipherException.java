package dev.mfa.core.crypto;

import java.util.Objects;

/**
 * A {@link FieldCipher} failure. Messages never contain plaintext, ciphertext or key material, so
 * they are safe to log.
 */
public class FieldCipherException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the operation failed. */
    public enum Reason {
        /** The value is not {@code v1:<keyId>:<base64>} or is too short. */
        MALFORMED,
        /** The value names a key id that is not configured. */
        UNKNOWN_KEY,
        /** GCM tag check failed: tampered value, wrong key or wrong context. */
        AUTHENTICATION_FAILED,
        /** Key configuration is invalid (bad id, wrong length, missing active key). */
        INVALID_KEY
    }

    private final Reason reason;

    public FieldCipherException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
