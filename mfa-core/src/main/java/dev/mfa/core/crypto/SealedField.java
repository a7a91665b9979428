package dev.mfa.core.crypto;

/**
 * A field that travels in events or rests in a database only as a ciphertext: its {@link #purpose()} picks the key
 * set, its {@link #aadName()} goes into the GCM associated data with the user id, so a ciphertext moved to another
 * field or another user does not decrypt.
 */
public enum SealedField {
    TOTP_SECRET("totp-secret", KeyPurpose.TOTP),
    PHONE("phone", KeyPurpose.SMS),
    SMS_CODE("sms-code", KeyPurpose.SMS),
    EMAIL("email", KeyPurpose.EMAIL);

    private final String aadName;
    private final KeyPurpose purpose;

    SealedField(String aadName, KeyPurpose purpose) {
        this.aadName = aadName;
        this.purpose = purpose;
    }

    public String aadName() {
        return aadName;
    }

    public KeyPurpose purpose() {
        return purpose;
    }
}
