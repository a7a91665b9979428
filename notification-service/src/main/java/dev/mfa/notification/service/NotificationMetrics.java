package dev.mfa.notification.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service's meters ({@code mfa.notification.*}). Tags are bounded: ISO country codes of the allow list (or
 * {@code other}), outcomes and reason words; never a number or user id.
 */
@ApplicationScoped
public class NotificationMetrics {

    private final MeterRegistry registry;
    private final AtomicLong queueDepth = new AtomicLong();
    private final AtomicLong oldestPendingSeconds = new AtomicLong();

    public NotificationMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("mfa.notification.queue.depth", queueDepth, AtomicLong::get)
                .description("SMS requests waiting to be sent (PENDING)")
                .register(registry);
        Gauge.builder("mfa.notification.queue.oldest", oldestPendingSeconds, AtomicLong::get)
                .description("Age in seconds of the oldest PENDING request")
                .baseUnit("seconds")
                .register(registry);
    }

    /** outcome: sent, delivered, undelivered, failed, expired, rate_limited, country_not_allowed, outcome_unknown. */
    public void message(String country, String outcome) {
        Counter.builder("mfa.notification.messages")
                .description("SMS requests by country and outcome")
                .tag("country", country == null ? "other" : country)
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    public void retry(String reason) {
        Counter.builder("mfa.notification.retries")
                .description("Provider calls retried after a temporary failure")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    public void providerLatency(String result, long nanos) {
        Timer.builder("mfa.notification.provider.latency")
                .description("Duration of one Vonage SMS submission")
                .tag("result", result)
                .publishPercentileHistogram()
                .register(registry)
                .record(Duration.ofNanos(nanos));
    }

    /** From the request's event time to the first provider call. */
    public void queueLag(Duration lag) {
        Timer.builder("mfa.notification.queue.lag")
                .description("Time from mfa.sms.requested to the first send attempt")
                .publishPercentileHistogram()
                .register(registry)
                .record(lag.isNegative() ? Duration.ZERO : lag);
    }

    /** scope: destination or country. */
    public void abuseRefused(String scope, String country) {
        Counter.builder("mfa.notification.abuse.refused")
                .description("SMS refused by the abuse caps")
                .tag("scope", scope)
                .tag("country", country == null ? "other" : country)
                .register(registry)
                .increment();
    }

    public void receipt(String status) {
        Counter.builder("mfa.notification.receipts")
                .description("Delivery receipts by Vonage status")
                .tag("status", status)
                .register(registry)
                .increment();
    }

    public void queue(long depth, long oldestSeconds) {
        queueDepth.set(depth);
        oldestPendingSeconds.set(oldestSeconds);
    }

    /** E-mail outcome per template: sent, failed, expired, outcome_unknown, rate_limited, invalid_params, ... */
    public void email(String template, String outcome) {
        Counter.builder("mfa.notification.emails")
                .description("E-mail requests by template and outcome")
                .tag("template", template == null ? "unknown" : template)
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    public void emailRetry(String reason) {
        Counter.builder("mfa.notification.email.retries")
                .description("SMTP sends retried after a temporary failure")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }
}
