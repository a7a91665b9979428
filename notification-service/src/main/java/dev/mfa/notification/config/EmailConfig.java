package dev.mfa.notification.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** E-mail notices ({@code mfa.notification.email.*}); the SMTP server itself is {@code quarkus.mailer.*}. */
@ConfigMapping(prefix = "mfa.notification.email")
public interface EmailConfig {

    /** Off: requests are still recorded, nothing is sent (e.g. a replica that must not talk to the SMTP server). */
    @WithDefault("true")
    boolean enabled();

    /** Product name in subjects and the layout. */
    @WithDefault("MFA Platform")
    String brand();

    /** Where "Secure your account" links point (the web app): links come from here, never from the request. */
    @WithDefault("http://localhost:8080/")
    String accountUrl();

    /** Messages per second to the SMTP server, shared by all replicas (each sends throughput / replicas). */
    @WithDefault("10")
    double throughput();

    @WithDefault("1")
    int replicas();

    /** Accepted requests per recipient in any sliding hour; more are refused {@code rate_limited}. */
    @WithDefault("10")
    int perRecipientPerHour();

    /** A request not sent within this time after it arrived is given up ({@code expired}): notices go stale. */
    @WithDefault("P1D")
    Duration maxAge();

    /** SMTP sends in flight at once. */
    @WithDefault("4")
    int concurrency();

    @WithDefault("PT0.5S")
    Duration pollInterval();

    /** First retry delay after a temporary failure; doubles per attempt, capped, half of it random. */
    @WithDefault("PT2S")
    Duration backoffBase();

    @WithDefault("PT5M")
    Duration backoffMax();

    /** Longest wait for the SMTP server's answer to one send. */
    @WithDefault("PT30S")
    Duration sendTimeout();

    /** How long a send may stay in flight before the sweeper declares its outcome unknown (above send-timeout). */
    @WithDefault("PT2M")
    Duration lease();
}
