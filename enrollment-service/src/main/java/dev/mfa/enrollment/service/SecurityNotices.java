package dev.mfa.enrollment.service;

import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.crypto.SealedField;
import dev.mfa.core.events.EmailTemplates;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.enrollment.domain.Factor;
import dev.mfa.enrollment.repository.OrgUserRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * E-mail security notices to the user (CONTRACT §5 {@code mfa.email.requested}, rendered by notification-service),
 * written to the outbox in the caller's transaction with the change they announce. The address comes from the
 * roster ({@code identity.users}) and travels encrypted; a user the roster has no address for gets no notice. The
 * request id is derived from the occasion (the factor), so a retried change can never ask for a second e-mail.
 */
@ApplicationScoped
public class SecurityNotices {

    private final Outbox outbox;
    private final FieldKeys keys;
    private final OrgUserRepository users;

    public SecurityNotices(Outbox outbox, FieldKeys keys, OrgUserRepository users) {
        this.outbox = outbox;
        this.keys = keys;
        this.users = users;
    }

    /** Inside a transaction: "a sign-in method was added" for a factor just confirmed. */
    public Uni<Void> factorAdded(Factor factor, Instant at) {
        return notice(
                factor.userId, EmailTemplates.FACTOR_ADDED, "factor-added:" + factor.factorId, params(factor, at));
    }

    /** Inside a transaction: "a sign-in method was removed" for a factor the user removed. */
    public Uni<Void> factorRemoved(Factor factor, Instant at) {
        return notice(
                factor.userId, EmailTemplates.FACTOR_REMOVED, "factor-removed:" + factor.factorId, params(factor, at));
    }

    /** Inside a transaction: "your exemption ends on ..." to the exempt user, once per exemption end. */
    public Uni<Void> exemptionEnding(String userId, Instant until) {
        return notice(
                userId,
                EmailTemplates.EXEMPTION_ENDING,
                "exemption-ending:" + userId + ":" + until,
                // An ISO-8601 instant: the param type notification-service takes (it formats it for display).
                Map.of("until", until.toString()));
    }

    /** Inside a transaction: {@code template} to roster user {@code userId}, once per {@code occasion}. */
    Uni<Void> notice(String userId, String template, String occasion, Map<String, String> params) {
        return users.findById(userId).flatMap(user -> {
            if (user == null || user.email == null || user.email.isBlank()) {
                return Uni.createFrom().voidItem();
            }
            UUID requestId = UUID.nameUUIDFromBytes(occasion.getBytes(StandardCharsets.UTF_8));
            return outbox.publish(
                            Topics.EMAIL_REQUESTS,
                            new Events.EmailRequested(
                                    requestId,
                                    userId,
                                    template,
                                    keys.seal(SealedField.EMAIL, userId, user.email),
                                    params))
                    .replaceWithVoid();
        });
    }

    private static Map<String, String> params(Factor factor, Instant at) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("method", factor.method.name());
        if (factor.phoneMasked != null) {
            params.put("phoneMasked", factor.phoneMasked);
        }
        params.put("at", at.toString());
        return params;
    }
}
