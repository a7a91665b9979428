package dev.mfa.verification.domain;

import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.crypto.SealedField;
import dev.mfa.core.otp.OtpAlgorithm;
import dev.mfa.core.otp.TotpParameters;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A user's active factor, projected from {@code mfa.factor.enrolled}; secrets stay encrypted. */
@Entity
@Table(name = "factor")
public class Factor {

    public static final String TOTP = "TOTP";
    public static final String SMS = "SMS";

    @Id
    @Column(name = "factor_id")
    public UUID factorId;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(nullable = false)
    public String method;

    public String label;

    /** Base32 TOTP secret, totp-key ciphertext bound to field, user and factor ({@link #sealSecret}). */
    @Column(name = "secret_enc")
    public String secretEnc;

    /** E.164 phone number, sms-key ciphertext bound to field, user and factor ({@link #sealPhone}). */
    @Column(name = "phone_enc")
    public String phoneEnc;

    @Column(name = "phone_masked")
    public String phoneMasked;

    public String country;

    @Column(name = "last_used_step")
    public Long lastUsedStep;

    @Column(name = "enrolled_at", nullable = false)
    public Instant enrolledAt;

    /** TOTP: otpauth algorithm name, code length and period in seconds, as enrolled. */
    @Column(name = "totp_algorithm", nullable = false)
    public String totpAlgorithm = TotpParameters.DEFAULT_ALGORITHM.otpauthName();

    @Column(name = "totp_digits", nullable = false)
    public int totpDigits = TotpParameters.DEFAULT_DIGITS;

    @Column(name = "totp_period", nullable = false)
    public int totpPeriod = TotpParameters.DEFAULT_PERIOD_SECONDS;

    /** The parameters this TOTP factor was enrolled with, checked with the configured {@code window}. */
    public TotpParameters totpParameters(int window) {
        return new TotpParameters(OtpAlgorithm.fromOtpauthName(totpAlgorithm), totpDigits, totpPeriod, window);
    }

    public static String sealSecret(FieldKeys keys, String userId, UUID factorId, String base32) {
        return keys.sealAtRest(SealedField.TOTP_SECRET, userId, factorId.toString(), base32);
    }

    /** Rows written before the key split open with the legacy key and their old context. */
    public static String openSecret(FieldKeys keys, String userId, UUID factorId, String secretEnc) {
        return keys.openAtRest(
                SealedField.TOTP_SECRET, userId, factorId.toString(), secretEnc, secretContext(factorId));
    }

    public static String sealPhone(FieldKeys keys, String userId, UUID factorId, String e164) {
        return keys.sealAtRest(SealedField.PHONE, userId, factorId.toString(), e164);
    }

    public static String openPhone(FieldKeys keys, String userId, UUID factorId, String phoneEnc) {
        return keys.openAtRest(SealedField.PHONE, userId, factorId.toString(), phoneEnc, phoneContext(factorId));
    }

    /** The associated data of rows written under the legacy shared key. */
    public static String secretContext(UUID factorId) {
        return "totp:" + factorId;
    }

    /** The associated data of rows written under the legacy shared key. */
    public static String phoneContext(UUID factorId) {
        return "phone:" + factorId;
    }
}
