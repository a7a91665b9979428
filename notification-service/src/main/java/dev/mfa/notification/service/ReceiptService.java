package dev.mfa.notification.service;

import dev.mfa.core.problem.ProblemException;
import dev.mfa.notification.config.VonageConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Vonage delivery receipts ({@code msisdn}, {@code to}, {@code network-code}, {@code messageId}, {@code price},
 * {@code status}, {@code scts}, {@code err-code}, {@code message-timestamp}, {@code client-ref}, and when signed
 * {@code timestamp}, {@code nonce}, {@code sig}). Mapped back by {@code client-ref} (our request id), else by
 * {@code messageId}. A receipt for an unknown message is acknowledged and ignored (Vonage would retry otherwise).
 */
@ApplicationScoped
public class ReceiptService {

    private static final Logger LOG = Logger.getLogger(ReceiptService.class);
    static final Set<String> STATUSES =
            Set.of("delivered", "expired", "failed", "rejected", "accepted", "buffered", "unknown");
    private static final int MAX_FIELD = 64;

    private final Optional<ReceiptSignature> signature;
    private final SmsDispatchService dispatch;
    private final NotificationMetrics metrics;
    private final Clock clock;

    public ReceiptService(VonageConfig config, SmsDispatchService dispatch, NotificationMetrics metrics, Clock clock) {
        this.signature = signature(config);
        this.dispatch = dispatch;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The receipt verifier; fails closed (no service) when signatures are required but cannot be strong. */
    static Optional<ReceiptSignature> signature(VonageConfig config) {
        Optional<String> secret = config.signatureSecret().filter(s -> !s.isBlank());
        String method = config.signatureMethod().strip().toLowerCase(Locale.ROOT);
        if (config.requireSignature()) {
            if (secret.isEmpty()) {
                throw new IllegalStateException("mfa.vonage.signature-secret (MFA_VONAGE_SIGNATURE_SECRET) is required:"
                        + " without it anyone could post forged delivery receipts");
            }
            if (!method.equals("sha256") && !method.equals("sha512")) {
                throw new IllegalStateException(
                        "mfa.vonage.signature-method " + method + " is too weak for production; use sha256 or sha512");
            }
        } else if (secret.isEmpty()) {
            LOG.warn("delivery receipts are accepted unsigned (no mfa.vonage.signature-secret; not allowed in prod)");
        }
        return secret.map(s -> new ReceiptSignature(s, method, config.signatureMaxSkew()));
    }

    public Uni<Void> handle(Map<String, String> params) {
        if (signature.isPresent() && !signature.get().verify(params, clock.instant())) {
            metrics.receipt("bad_signature");
            throw ProblemException.unauthorized(
                    "invalid-signature", "Delivery receipts must carry a valid Vonage signature (sig, timestamp).");
        }
        String status = Optional.ofNullable(params.get("status"))
                .map(s -> s.strip().toLowerCase(Locale.ROOT))
                .orElse("");
        if (!STATUSES.contains(status)) {
            throw ProblemException.badRequest(
                    "status must be one of " + String.join(", ", new java.util.TreeSet<>(STATUSES)));
        }
        String messageId = bounded(params.get("messageId"));
        UUID requestId = uuid(params.get("client-ref"));
        if (requestId == null && messageId == null) {
            throw ProblemException.badRequest("A receipt needs client-ref or messageId.");
        }
        String errCode = bounded(params.get("err-code"));
        metrics.receipt(status);
        return dispatch.receipt(new SmsDispatchService.Receipt(requestId, messageId, status, errCode));
    }

    private static UUID uuid(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(value.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String bounded(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        return v.length() > MAX_FIELD ? v.substring(0, MAX_FIELD) : v;
    }
}
