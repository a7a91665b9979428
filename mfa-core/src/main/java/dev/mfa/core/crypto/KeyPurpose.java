package dev.mfa.core.crypto;

import java.util.Locale;

/**
 * The key sets fields are encrypted under, one per purpose, so that a service holds only the keys of the data it
 * must read: notification-service never holds {@link #TOTP}. Every key id of a set starts with the set's name
 * ({@code totp}, {@code totp-2027}), so a ciphertext's key id ({@code v1:<keyId>:…}) tells which set sealed it.
 */
public enum KeyPurpose {
    /** TOTP secrets: enrollment and verification only. */
    TOTP,
    /** Phone numbers and SMS codes: the producers (enrollment, verification) and notification. */
    SMS,
    /** E-mail addresses: enrollment and notification. */
    EMAIL;

    /** The key-id prefix of this set, also its name in configuration ({@code mfa.crypto.<name>-keys}). */
    public String prefix() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether {@code keyId} belongs to this set: the prefix alone or followed by {@code -}. */
    public boolean owns(String keyId) {
        return keyId != null && (keyId.equals(prefix()) || keyId.startsWith(prefix() + "-"));
    }

    /** The set a key id belongs to, if any. */
    public static java.util.Optional<KeyPurpose> ofKeyId(String keyId) {
        for (KeyPurpose purpose : values()) {
            if (purpose.owns(keyId)) {
                return java.util.Optional.of(purpose);
            }
        }
        return java.util.Optional.empty();
    }
}
