package dev.mfa.enrollment.service;

/**
 * The port through which a user's current password is checked before MFA changes. Implementations may block
 * (slow hash, HTTP call): {@link ReauthService} always calls them on a worker thread.
 */
public interface PasswordVerifier {

    /** Whether {@code password} is the current password of {@code userId}; false for unknown users. */
    boolean verify(String userId, char[] password);
}
