package dev.mfa.verification.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/** A sign-in second step in progress. */
@Entity
@Table(name = "challenge")
public class Challenge extends PanacheEntityBase {

    @Id
    @Column(name = "challenge_id")
    public UUID challengeId;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    /** Comma-separated {@link Method} names offered at creation. */
    @Column(nullable = false)
    public String methods;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "completed_at")
    public Instant completedAt;

    @Column(name = "sms_code_hash")
    public String smsCodeHash;

    @Column(name = "sms_code_expires_at")
    public Instant smsCodeExpiresAt;

    @Column(name = "sms_sends", nullable = false)
    public int smsSends;

    @Column(name = "sms_next_send_at")
    public Instant smsNextSendAt;

    /** The SMS factor the current code went to: the code is valid only while that factor exists. */
    @Column(name = "sms_factor_id")
    public UUID smsFactorId;

    /** The latest {@code mfa.sms.requested} of this challenge (its {@code requestId}). */
    @Column(name = "sms_request_id")
    public UUID smsRequestId;

    public List<Method> methodList() {
        return Arrays.stream(methods.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(Method::valueOf)
                .toList();
    }

    public static String join(List<Method> methods) {
        return methods.stream().map(Enum::name).collect(Collectors.joining(","));
    }

    public boolean offers(Method method) {
        return offers(methods, method);
    }

    /** Whether the comma-separated method list {@code methods} names {@code method}. */
    public static boolean offers(String methods, Method method) {
        for (String m : methods.split(",")) {
            if (m.trim().equals(method.name())) {
                return true;
            }
        }
        return false;
    }

    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
