package dev.mfa.notification.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The SMS provider ({@code mfa.vonage.*}, env {@code MFA_VONAGE_*}). */
@ConfigMapping(prefix = "mfa.vonage")
public interface VonageConfig {

    String apiKey();

    String apiSecret();

    /**
     * The account's signature secret: when set, delivery receipts must carry a valid {@code sig} (and
     * {@code timestamp}); unsigned or badly signed ones are refused with 401.
     */
    Optional<String> signatureSecret();

    /**
     * Whether the webhook must be signed: then a blank secret or an MD5 scheme stops the service at startup, so a
     * missing Secret can never open the webhook to forged receipts. Only the dev, test and local profiles turn it off.
     */
    @WithDefault("true")
    boolean requireSignature();

    /**
     * How Vonage signs webhooks for this account: {@code sha256} (HMAC, default), {@code sha512}, {@code sha1},
     * and, only where signatures are not required, {@code md5} and {@code md5hash}. Set the same in the dashboard.
     */
    @WithDefault("sha256")
    String signatureMethod();

    /** How far a signed receipt's {@code timestamp} may be from our clock. */
    @WithDefault("PT5M")
    Duration signatureMaxSkew();

    /** Vonage's REST base URI ({@code /sms/json} is appended by the SDK); the local stack points at its stub. */
    @WithDefault("https://rest.nexmo.com")
    String baseUri();

    /** Sender id (alphanumeric brand or a number). */
    String from();

    /** Per-message delivery-receipt URL; empty = the account's default webhook configured in the dashboard. */
    Optional<String> callbackUrl();

    /** Connect/read timeout of one provider call; a timeout is a temporary failure. */
    @WithDefault("PT10S")
    Duration timeout();

    /** The account's outbound throughput (messages per second) shared by every replica. */
    @WithDefault("30")
    double throughput();

    /** Replicas sharing {@link #throughput()}: each process sends at most throughput / replicas messages per second. */
    @WithDefault("1")
    int replicas();

    /**
     * Fraction of the per-replica throughput left unused (0.01 = send at 99 %). Vonage meters our calls as they
     * arrive: at exactly its rate, every millisecond of network or scheduling jitter spent while its bucket is full
     * is credit lost for good, and after enough jitter a call is throttled. A little headroom refills that credit.
     */
    @WithDefault("0.01")
    double headroom();

    /** Tokens the outbound bucket may hold (1 = strictly paced, no burst after idle time). */
    @WithDefault("1")
    int burst();
}
