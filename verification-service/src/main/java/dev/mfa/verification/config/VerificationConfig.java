package dev.mfa.verification.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Sign-in challenge, SMS and throttling settings ({@code mfa.verification.*}, env {@code MFA_VERIFICATION_*}). */
@ConfigMapping(prefix = "mfa.verification")
public interface VerificationConfig {

    String DEFAULT_CHALLENGE_TTL = "PT5M";

    /** How long a challenge accepts codes. */
    @WithDefault(DEFAULT_CHALLENGE_TTL)
    Duration challengeTtl();

    /** Challenges one user may open per sliding hour (each one may send SMS and take guesses). */
    @WithDefault("30")
    int maxChallengesPerHour();

    Sms sms();

    Throttle throttle();

    OpenedChallengeCache openedChallengeCache();

    /** The challenges this replica opened, kept for their verify (service/OpenedChallenges); 0 turns it off. */
    interface OpenedChallengeCache {
        /** About 1 KiB of heap each; the verify of a challenge opened elsewhere or evicted reads it instead. */
        @WithDefault("4096")
        int maxEntries();
    }

    interface Sms {
        /** How long a sent code is valid (never beyond its challenge). */
        @WithDefault("PT10M")
        Duration codeTtl();

        /** Wait after the first send; it doubles with every further send. */
        @WithDefault("PT30S")
        Duration cooldown();

        /** Sends per challenge. */
        @WithDefault("5")
        int maxSends();

        /** Sends per user and sliding hour over all challenges, resends included. */
        @WithDefault("10")
        int maxSendsPerHour();
    }

    interface Throttle {
        /** Consecutive failures answered without any wait. */
        @WithDefault("5")
        int freeFailures();

        /** Wait after the last free failure; it doubles with every further failure. */
        @WithDefault("PT1S")
        Duration baseDelay();

        @WithDefault("PT15M")
        Duration maxDelay();

        /** Consecutive failures after which the user is locked until an admin reset. */
        @WithDefault("100")
        int lockAfter();
    }
}
