package dev.mfa.enrollment.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** SMS enrollment ({@code mfa.sms.*}). */
@ConfigMapping(prefix = "mfa.sms")
public interface SmsConfig {

    /** ISO 3166 alpha-2 codes of the countries where SMS codes may be sent (default: see docs/enrollment.md). */
    @WithDefault("US,CA,MX,BR,GB,IE,FR,DE,ES,IT,NL,BE,CH,AT,SE,NO,DK,FI,PL,PT,AU,NZ,SG,IN,AE,JP")
    List<String> allowedCountries();

    /** Countries a Pay payee may use. */
    @WithDefault("US")
    List<String> payeeCountries();

    @WithDefault("PT10M")
    Duration codeTtl();

    @WithDefault("5")
    int maxAttempts();

    @WithDefault("5")
    int maxSends();

    /** Wait before the first resend; doubles after every send. */
    @WithDefault("PT30S")
    Duration resendDelay();

    /** SMS codes a user may be sent per hour for enrollments, starts and resends alike. */
    @WithDefault("10")
    int maxStartsPerHour();

    /** SMS codes a user may be sent per hour to one number (the requesting user's own count, issue 15 #2). */
    @WithDefault("5")
    int maxSendsPerNumberPerHour();
}
