package dev.mfa.notification.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfa.core.crypto.FieldCipherException;
import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.crypto.SealedField;
import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.otp.CodeHasher;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.notification.config.EmailConfig;
import dev.mfa.notification.domain.EmailRequest;
import dev.mfa.notification.domain.EmailTemplate;
import dev.mfa.notification.repository.EmailRequestRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Accepts {@code mfa.email.requested} into the queue, inside the consumer's transaction (with the processed-event
 * record): one row per request id, written before anything is sent. A request that can never be sent (unknown
 * template, params or address not acceptable, per-recipient cap reached) is recorded FAILED and answered with
 * {@code mfa.email.failed} at once; an incomplete or undecryptable event goes to the DLQ.
 */
@ApplicationScoped
public class EmailIntake {

    private static final Logger LOG = Logger.getLogger(EmailIntake.class);
    private static final Duration CAP_WINDOW = Duration.ofHours(1);
    /** Domain separation: the same HMAC key also hashes codes and phone numbers elsewhere. */
    private static final String RECIPIENT_HASH_PREFIX = "email-recipient:";

    static final ObjectMapper JSON = new ObjectMapper();

    private final FieldKeys keys;
    private final CodeHasher hasher;
    private final Outbox outbox;
    private final EmailRequestRepository repository;
    private final EmailConfig config;
    private final NotificationMetrics metrics;
    private final Clock clock;

    public EmailIntake(
            FieldKeys keys,
            CodeHasher hasher,
            Outbox outbox,
            EmailRequestRepository repository,
            EmailConfig config,
            NotificationMetrics metrics,
            Clock clock) {
        this.keys = keys;
        this.hasher = hasher;
        this.outbox = outbox;
        this.repository = repository;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Runs inside the caller's transaction; completes when the request is recorded (or was already). */
    public Uni<Void> accept(CloudEvent event, Events.EmailRequested data) {
        if (data.requestId() == null || blank(data.userId()) || blank(data.template()) || blank(data.to())) {
            throw new IllegalArgumentException("mfa.email.requested is missing a required field");
        }
        if (data.userId().length() > 128) {
            throw new IllegalArgumentException("userId too long");
        }
        String to = decrypt(data.userId(), data.to());
        Instant now = clock.instant();
        return repository.lockRecorded(data.requestId()).flatMap(recorded -> {
            if (recorded) {
                LOG.debugf("email request %s already recorded: skipped", data.requestId());
                return Uni.createFrom().voidItem();
            }
            EmailRequest row = newRow(event, data, now);
            EmailTemplate template;
            String address;
            Map<String, String> params;
            try {
                template = EmailRules.template(data.template());
                row.template = template.id();
                row.priority = template.priority();
                address = EmailRules.address(to);
                params = EmailRules.params(template, data.params());
            } catch (InvalidEmailRequestException e) {
                // The message names a field or a rule, never a value.
                LOG.warnf(
                        "email request %s for user %s refused: %s (%s)",
                        data.requestId(), data.userId(), e.reason(), e.getMessage());
                return refuse(row, e.reason(), true, now);
            }
            row.recipientHash = hasher.hash(RECIPIENT_HASH_PREFIX + address.toLowerCase(Locale.ROOT));
            return repository
                    .lock("email-recipient:" + row.recipientHash)
                    .flatMap(ignored -> repository.countByRecipientSince(row.recipientHash, now.minus(CAP_WINDOW)))
                    .flatMap(count -> {
                        if (count >= config.perRecipientPerHour()) {
                            LOG.warnf(
                                    "email request %s for user %s refused: per-recipient cap reached",
                                    data.requestId(), data.userId());
                            return refuse(row, "rate_limited", false, now);
                        }
                        row.recipient = EmailRequest.sealRecipient(keys, row.userId, row.requestId, address);
                        row.params = json(params);
                        row.queue();
                        return repository.persist(row);
                    });
        });
    }

    private Uni<Void> refuse(EmailRequest row, String reason, boolean permanent, Instant now) {
        row.refuse(reason, now);
        metrics.email(row.template, reason);
        return repository
                .persist(row)
                .flatMap(ignored -> outbox.publish(
                        Topics.EMAIL_STATUS,
                        new Events.EmailFailed(row.requestId, row.userId, row.template, reason, permanent, now)))
                .replaceWithVoid();
    }

    private EmailRequest newRow(CloudEvent event, Events.EmailRequested data, Instant now) {
        EmailRequest row = EmailRequest.received(data.requestId(), event.id(), data.userId(), event.time(), now);
        // Until checked: a bounded placeholder, so that an unknown name is never stored or tagged as given.
        row.template = "unknown";
        row.recipientHash = "-";
        row.params = "{}";
        row.expiresAt = now.plus(config.maxAge());
        return row;
    }

    static String json(Map<String, String> params) {
        try {
            return JSON.writeValueAsString(params);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("params cannot be written", e);
        }
    }

    private String decrypt(String userId, String ciphertext) {
        try {
            return keys.open(SealedField.EMAIL, userId, ciphertext).strip();
        } catch (FieldCipherException e) {
            throw new IllegalArgumentException(
                    "to cannot be decrypted (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
