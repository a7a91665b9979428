package dev.mfa.notification.service;

import static dev.mfa.notification.service.DispatchQueue.sleepUntil;

import dev.mfa.core.crypto.FieldKeys;
import dev.mfa.notification.config.NotificationConfig;
import dev.mfa.notification.config.VonageConfig;
import dev.mfa.notification.domain.SmsRequest;
import dev.mfa.notification.provider.ProviderResult;
import dev.mfa.notification.provider.TokenBucket;
import dev.mfa.notification.provider.VonageSender;
import dev.mfa.notification.repository.SmsClaim;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The SMS channel of the {@link DispatchQueue}: drains the PENDING SMS queue at the provider's rate. The request is
 * claimed shortly before its slot ({@code claim-lead}); a sender renders the text, waits for the slot and the bucket's
 * start gate ({@link TokenBucket#startAt}) and only then makes the blocking SDK call, so calls reach the provider on
 * the bucket's schedule whatever the database latency. Until the process's first provider call has returned, calls
 * are made one at a time: that call loads the SDK's and the HTTP client's classes (~0.7 s), and calls started
 * meanwhile would wait inside the SDK and leave together as a burst.
 */
@ApplicationScoped
public class SmsDispatcher {

    private static final Logger LOG = Logger.getLogger(SmsDispatcher.class);

    private final VonageSender sender;
    private final SmsTemplates templates;
    private final FieldKeys keys;
    private final NotificationMetrics metrics;
    private final Clock clock;
    private final TokenBucket bucket;
    private final DispatchQueue<SmsClaim> queue;
    private final boolean enabled;
    /** Held by the one call in progress until a provider call has returned (the client is loaded then). */
    private final Semaphore coldClient = new Semaphore(1);

    private volatile boolean clientWarm;

    public SmsDispatcher(
            SmsDispatchService dispatch,
            VonageSender sender,
            SmsTemplates templates,
            FieldKeys keys,
            NotificationMetrics metrics,
            NotificationConfig config,
            VonageConfig vonage,
            Clock clock,
            @ConfigProperty(name = "mfa.notification.dispatch.enabled", defaultValue = "true") boolean enabled) {
        this.sender = sender;
        this.templates = templates;
        this.keys = keys;
        this.metrics = metrics;
        this.clock = clock;
        this.enabled = enabled;
        // Every replica gets its share of the account's throughput (docs/notification.md, "Rate limits").
        double headroom = Math.min(0.5, Math.max(0, vonage.headroom()));
        this.bucket =
                new TokenBucket(vonage.throughput() / Math.max(1, vonage.replicas()) * (1 - headroom), vonage.burst());
        NotificationConfig.Dispatch d = config.dispatch();
        Duration lead = d.claimLead().isNegative() ? Duration.ZERO : d.claimLead();
        this.queue = new DispatchQueue<>(
                "SMS", "sms", bucket, d.concurrency(), d.pollInterval(), lead, dispatch, this::send);
    }

    void start(@Observes StartupEvent ignored) {
        queue.startIf(enabled, "mfa.notification.dispatch.enabled");
    }

    void stop(@Observes ShutdownEvent ignored) {
        queue.stop();
    }

    /** New work was committed: claim it now instead of at the next poll. */
    public void wake() {
        queue.wake();
    }

    /**
     * On a sender thread: render, wait for the rate-limiter slot, never after expiry, one provider call, then the
     * answer in its own transaction.
     */
    private void send(SmsClaim claimed, long slot) throws Throwable {
        Instant now = clock.instant();
        String to;
        String text;
        try {
            to = SmsRequest.openRecipient(keys, claimed.userId(), claimed.requestId(), claimed.recipient());
            String code = SmsRequest.openCode(keys, claimed.userId(), claimed.requestId(), claimed.code());
            text = templates.render(claimed.purpose(), code, Duration.between(now, claimed.expiresAt()));
        } catch (RuntimeException e) {
            queue.unrenderable(claimed, e);
            return;
        }
        // The token is used here, right before the call: the provider sees the bucket's spacing exactly. The
        // start gate spaces the calls even when their slots lie in the past (several senders held by one
        // stall); a late wake-up (CPU starvation, GC pause) pushes the following slots and starts.
        sleepUntil(slot);
        ProviderResult result;
        boolean alone = !clientWarm;
        if (alone) {
            coldClient.acquire();
            if (clientWarm) { // the call we waited for loaded the client: go through the gate with the others
                coldClient.release();
                alone = false;
            }
        }
        try {
            long start = bucket.startAt(slot);
            sleepUntil(start);
            bucket.usedAt(System.nanoTime(), start, bucket.intervalNanos() / 2);
            now = clock.instant();
            if (!now.isBefore(claimed.expiresAt())) {
                queue.expire(claimed);
                return;
            }
            if (claimed.attempts() == 1) {
                metrics.queueLag(Duration.between(claimed.requestedAt(), now));
            }
            long started = System.nanoTime();
            result = sender.send(to, text, claimed.requestId().toString());
            clientWarm = true;
            metrics.providerLatency(result.kind().name().toLowerCase(Locale.ROOT), System.nanoTime() - started);
        } finally {
            if (alone) {
                coldClient.release();
            }
        }
        queue.record(claimed, result);
    }
}
