package dev.mfa.notification.service;

import static dev.mfa.notification.service.DispatchQueue.sleepUntil;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.notification.config.EmailConfig;
import dev.mfa.notification.domain.EmailRequest;
import dev.mfa.notification.domain.EmailTemplate;
import dev.mfa.notification.domain.RenderedEmail;
import dev.mfa.notification.provider.SmtpSender;
import dev.mfa.notification.provider.TokenBucket;
import dev.mfa.notification.repository.EmailClaim;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The e-mail channel of the {@link DispatchQueue}: drains the PENDING e-mail queue at the configured rate
 * ({@code throughput / replicas} per second, no burst). Requests are claimed as soon as their slot is reserved; an
 * SMTP outage never blocks consumption: requests wait PENDING and are retried with backoff, and a restart finds them
 * again.
 */
@ApplicationScoped
public class EmailDispatcher {

    private static final Logger LOG = Logger.getLogger(EmailDispatcher.class);
    private static final TypeReference<Map<String, String>> PARAMS = new TypeReference<>() {};

    private final SmtpSender sender;
    private final EmailRenderer renderer;
    private final FieldKeys keys;
    private final EmailConfig config;
    private final Clock clock;
    private final DispatchQueue<EmailClaim> queue;

    public EmailDispatcher(
            EmailDispatchService dispatch,
            SmtpSender sender,
            EmailRenderer renderer,
            FieldKeys keys,
            EmailConfig config,
            Clock clock) {
        this.sender = sender;
        this.renderer = renderer;
        this.keys = keys;
        this.config = config;
        this.clock = clock;
        TokenBucket bucket = new TokenBucket(config.throughput() / Math.max(1, config.replicas()), 1);
        this.queue = new DispatchQueue<>(
                "e-mail",
                "email",
                bucket,
                config.concurrency(),
                config.pollInterval(),
                DispatchQueue.CLAIM_AT_ONCE,
                dispatch,
                this::send);
    }

    void start(@Observes StartupEvent ignored) {
        queue.startIf(config.enabled(), "mfa.notification.email.enabled");
    }

    /** Stops claiming; lets sends in flight finish and record their answer (bounded by the grace). */
    void stop(@Observes ShutdownEvent ignored) {
        queue.stop();
    }

    /** New work was committed: claim it now instead of at the next poll. */
    public void wake() {
        queue.wake();
    }

    /** On a sender thread: render, wait for the rate-limiter slot, one SMTP call, then the answer. */
    private void send(EmailClaim claimed, long slot) throws Throwable {
        String to;
        RenderedEmail rendered;
        try {
            to = EmailRequest.openRecipient(keys, claimed.userId(), claimed.requestId(), claimed.recipient());
            EmailTemplate template = EmailRules.template(claimed.template());
            rendered = renderer.render(template, EmailIntake.JSON.readValue(claimed.params(), PARAMS));
        } catch (Exception e) {
            queue.unrenderable(claimed, e);
            return;
        }
        sleepUntil(slot);
        if (!clock.instant().isBefore(claimed.expiresAt())) {
            queue.expire(claimed);
            return;
        }
        queue.record(claimed, sender.send(to, rendered, claimed.requestId()));
    }
}
