package dev.mfa.enrollment.service;

import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.EventTypes;
import dev.mfa.core.events.Events;
import dev.mfa.enrollment.repository.AuditRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Map;

/** The org audit trail: {@code GET /orgs/{orgId}/mfa-audit}, and the rows for sign-in outcomes of verification. */
@ApplicationScoped
public class AuditService {

    private final AuditRepository audit;
    private final EventCodec codec;
    private final Clock clock;

    public AuditService(AuditRepository audit, EventCodec codec, Clock clock) {
        this.audit = audit;
        this.codec = codec;
        this.clock = clock;
    }

    public record AuditPage(java.util.List<AuditRepository.Entry> items, long total, int page, int size) {}

    @WithSession
    public Uni<AuditPage> list(AuditRepository.Filter filter, int page, int size) {
        return audit.list(filter, page, size).map(p -> new AuditPage(p.items(), p.total(), page, size));
    }

    /**
     * Inside the consumer's transaction: a lock or a recovery-code use from {@code mfa.verifications} becomes an
     * audit row (the user is the actor of a recovery-code use; a lock is the system's). Other types record nothing.
     */
    public Uni<Void> verification(CloudEvent event) {
        if (event.data() == null || event.data().path("orgId").asText("").isEmpty()) {
            return Uni.createFrom().voidItem(); // no org, no trail to write to
        }
        return switch (event.type()) {
            case EventTypes.USER_LOCKED -> {
                Events.UserLocked d = codec.data(event, Events.UserLocked.class);
                yield audit.append(
                        d.orgId(),
                        d.lockedAt() != null ? d.lockedAt() : clock.instant(),
                        AuditTypes.USER_LOCKED,
                        null,
                        d.userId(),
                        Map.of("consecutiveFailures", d.consecutiveFailures()));
            }
            case EventTypes.RECOVERY_CODE_USED -> {
                Events.RecoveryCodeUsed d = codec.data(event, Events.RecoveryCodeUsed.class);
                yield audit.append(
                        d.orgId(),
                        d.usedAt() != null ? d.usedAt() : clock.instant(),
                        AuditTypes.RECOVERY_CODE_USED,
                        d.userId(),
                        d.userId(),
                        Map.of());
            }
            default -> Uni.createFrom().voidItem();
        };
    }
}
