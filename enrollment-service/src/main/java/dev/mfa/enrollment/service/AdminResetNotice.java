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
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * "An administrator reset your sign-in methods" to the user (template {@code admin-reset}), written to the outbox in
 * the reset's transaction. The occasion is the set of factors the reset removed: each factor is removed once, so a
 * repeated or retried reset that removes nothing asks for nothing, and one that did is e-mailed under one request id.
 */
@ApplicationScoped
public class AdminResetNotice {

    private final Outbox outbox;
    private final FieldKeys keys;
    private final OrgUserRepository users;

    public AdminResetNotice(Outbox outbox, FieldKeys keys, OrgUserRepository users) {
        this.outbox = outbox;
        this.keys = keys;
        this.users = users;
    }

    /** Inside the reset's transaction; {@code removed} are the factors it removed (nothing is sent when empty). */
    public Uni<Void> reset(String orgId, String userId, Collection<Factor> removed) {
        if (removed.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return users.findById(userId).flatMap(user -> {
            if (user == null || user.email == null || user.email.isBlank()) {
                return Uni.createFrom().voidItem();
            }
            return outbox.publish(
                            Topics.EMAIL_REQUESTS,
                            new Events.EmailRequested(
                                    requestId(orgId, userId, removed),
                                    userId,
                                    EmailTemplates.ADMIN_RESET,
                                    keys.seal(SealedField.EMAIL, userId, user.email),
                                    Map.of()))
                    .replaceWithVoid();
        });
    }

    static UUID requestId(String orgId, String userId, Collection<Factor> removed) {
        String factors =
                removed.stream().map(f -> f.factorId.toString()).sorted().collect(Collectors.joining(","));
        return UUID.nameUUIDFromBytes(
                ("admin-reset|" + orgId + "|" + userId + "|" + factors).getBytes(StandardCharsets.UTF_8));
    }
}
