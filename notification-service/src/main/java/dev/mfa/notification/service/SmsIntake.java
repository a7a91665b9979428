package dev.mfa.notification.service;

import dev.mfa.core.crypto.FieldCipherException;
import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.core.crypto.SealedField;
import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.otp.CodeHasher;
import dev.mfa.core.outbox.Outbox;
import dev.mfa.notification.config.NotificationConfig;
import dev.mfa.notification.domain.SmsPurpose;
import dev.mfa.notification.domain.SmsRequest;
import dev.mfa.notification.repository.SmsRequestRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Accepts {@code mfa.sms.requested} into the queue, inside the consumer's transaction (with the processed-event
 * record): one row per request id, written before anything is sent. Requests refused here (country, abuse caps,
 * already expired) are recorded FAILED and answered with {@code mfa.sms.failed} at once.
 */
@ApplicationScoped
public class SmsIntake {

    private static final Logger LOG = Logger.getLogger(SmsIntake.class);
    private static final Duration CAP_WINDOW = Duration.ofHours(1);
    /** Domain separation: the same HMAC key also hashes codes elsewhere. */
    private static final String DESTINATION_HASH_PREFIX = "sms-destination:";

    private final FieldKeys keys;
    private final CodeHasher hasher;
    private final Outbox outbox;
    private final SmsRequestRepository repository;
    private final NotificationConfig.Abuse abuse;
    private final NotificationMetrics metrics;
    private final Clock clock;
    private final Set<String> allowedCountries;
    private final Map<String, Integer> countryCaps;

    public SmsIntake(
            FieldKeys keys,
            CodeHasher hasher,
            Outbox outbox,
            SmsRequestRepository repository,
            NotificationConfig config,
            NotificationMetrics metrics,
            Clock clock) {
        this.keys = keys;
        this.hasher = hasher;
        this.outbox = outbox;
        this.repository = repository;
        this.abuse = config.abuse();
        this.metrics = metrics;
        this.clock = clock;
        this.allowedCountries = abuse.allowedCountries().stream()
                .map(c -> c.strip().toUpperCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        this.countryCaps = abuse.countryCapMap();
        for (String c : allowedCountries) {
            if (CallingCodes.of(c).isEmpty()) {
                throw new IllegalStateException(
                        "mfa.notification.abuse.allowed-countries: no calling code known for " + c);
            }
        }
    }

    /** Runs inside the caller's transaction; completes when the request is recorded (or was already). */
    public Uni<Void> accept(CloudEvent event, Events.SmsRequested data) {
        validate(data);
        SmsPurpose purpose = purpose(data.purpose());
        String to = decrypt(SealedField.PHONE, data.userId(), data.to(), "to");
        String code = decrypt(SealedField.SMS_CODE, data.userId(), data.code(), "code");
        if (code.isEmpty()
                || code.length() > SmsTemplates.MAX_CODE_DIGITS
                || !code.chars().allMatch(Character::isDigit)) {
            throw new InvalidSmsRequestException("code is not a numeric code");
        }
        String country = data.country().strip().toUpperCase(Locale.ROOT);
        String destinationHash = hasher.hash(DESTINATION_HASH_PREFIX + to);
        Instant now = clock.instant();
        return repository.lockRecorded(data.requestId()).flatMap(recorded -> {
            if (recorded) {
                LOG.debugf("sms request %s already recorded: skipped", data.requestId());
                return Uni.createFrom().voidItem();
            }
            SmsRequest row = newRow(event, data, purpose, country, destinationHash, now);
            if (!allowedCountries.contains(country) || !CallingCodes.matches(country, to)) {
                LOG.warnf(
                        "sms request %s for user %s refused: destination not in an allowed country",
                        data.requestId(), data.userId());
                return refuse(row, "country_not_allowed", true, "other", now);
            }
            if (!data.expiresAt().isAfter(now)) {
                return refuse(row, "expired", false, country, now);
            }
            return withinCaps(row, now).flatMap(refusal -> {
                if (refusal != null) {
                    metrics.abuseRefused(refusal, country);
                    LOG.warnf(
                            "sms request %s for user %s refused: %s cap reached (country %s)",
                            data.requestId(), data.userId(), refusal, country);
                    return refuse(row, "rate_limited", false, country, now);
                }
                row.recipient = SmsRequest.sealRecipient(keys, row.userId, row.requestId, to);
                row.code = SmsRequest.sealCode(keys, row.userId, row.requestId, code);
                row.queue();
                return repository.persist(row);
            });
        });
    }

    /**
     * Null when within the caps, else the scope that is full ({@code destination} or {@code country}). Each purpose
     * has its own counters, so that enrollment codes, which anyone may ask to any number, never use up what a user's
     * sign-in codes need; enrollment codes are counted per (requesting user, destination).
     */
    private Uni<String> withinCaps(SmsRequest row, Instant now) {
        Instant since = now.minus(CAP_WINDOW);
        int countryCap = countryCaps.getOrDefault(row.country, abuse.perCountryPerHour());
        String purpose = row.purpose.name();
        boolean signIn = row.purpose == SmsPurpose.SIGN_IN;
        String destinationScope = signIn ? purpose : purpose + ":" + row.userId;
        // Locks in a fixed order (request, destination, country) so that concurrent intakes count exactly.
        return repository
                .lock("sms-destination:" + destinationScope + ":" + row.destinationHash)
                .flatMap(ignored -> repository.lock("sms-country:" + purpose + ":" + row.country))
                .flatMap(ignored -> signIn
                        ? repository.countByDestinationSince(row.destinationHash, purpose, since)
                        : repository.countByUserAndDestinationSince(row.destinationHash, purpose, row.userId, since))
                .flatMap(perDestination -> {
                    if (perDestination >= abuse.perDestinationPerHour()) {
                        return Uni.createFrom().item("destination");
                    }
                    return repository
                            .countByCountrySince(row.country, purpose, since)
                            .map(perCountry -> perCountry >= countryCap ? "country" : null);
                });
    }

    private Uni<Void> refuse(SmsRequest row, String reason, boolean permanent, String metricCountry, Instant now) {
        row.refuse(reason, now);
        metrics.message(metricCountry, reason);
        return repository
                .persist(row)
                .flatMap(ignored -> outbox.publish(
                        Topics.SMS_STATUS, new Events.SmsFailed(row.requestId, row.userId, reason, permanent, now)))
                .replaceWithVoid();
    }

    private static SmsRequest newRow(
            CloudEvent event,
            Events.SmsRequested data,
            SmsPurpose purpose,
            String country,
            String destinationHash,
            Instant now) {
        SmsRequest row = SmsRequest.received(data.requestId(), event.id(), data.userId(), event.time(), now);
        row.purpose = purpose;
        row.country = country.length() > 2 ? country.substring(0, 2) : country;
        row.destinationHash = destinationHash;
        row.expiresAt = data.expiresAt();
        return row;
    }

    private static void validate(Events.SmsRequested d) {
        if (d.requestId() == null
                || blank(d.userId())
                || blank(d.purpose())
                || blank(d.country())
                || blank(d.to())
                || blank(d.code())
                || d.expiresAt() == null) {
            throw new InvalidSmsRequestException("mfa.sms.requested is missing a required field");
        }
        if (d.userId().length() > 128) {
            throw new InvalidSmsRequestException("userId too long");
        }
    }

    private static SmsPurpose purpose(String value) {
        try {
            return SmsPurpose.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidSmsRequestException("unknown purpose");
        }
    }

    /** An sms-key ciphertext bound to field and user; a TOTP ciphertext or another user's never opens here. */
    private String decrypt(SealedField sealed, String userId, String ciphertext, String field) {
        try {
            return keys.open(sealed, userId, ciphertext).strip();
        } catch (FieldCipherException e) {
            // The reason only: the message never holds key material or plaintext, but keep it short anyway.
            throw new InvalidSmsRequestException(
                    field + " cannot be decrypted (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
