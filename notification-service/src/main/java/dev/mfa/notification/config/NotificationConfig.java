package dev.mfa.notification.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Sending behaviour ({@code mfa.notification.*}). */
@ConfigMapping(prefix = "mfa.notification")
public interface NotificationConfig {

    /** Brand at the start of every text (GSM-7 characters only, short: the text must fit one segment). */
    @WithDefault("MFA Platform")
    String brand();

    Templates templates();

    Dispatch dispatch();

    Abuse abuse();

    /** How long finished requests are kept (dedupe by request id and receipt mapping); longer than any topic retention. */
    @WithDefault("P14D")
    Duration retention();

    /** Text per purpose; placeholders {@code {brand}}, {@code {code}}, {@code {minutes}}. */
    interface Templates {
        @WithDefault(
                "{brand}: {code} is your code to set up text message verification. It expires in {minutes} min. Never share this code.")
        String enrollment();

        @WithDefault(
                "{brand}: {code} is your sign-in code. It expires in {minutes} min. Never share this code with anyone.")
        String signIn();
    }

    interface Dispatch {
        /** Provider calls in flight at once (worker threads). */
        @WithDefault("8")
        int concurrency();

        /**
         * How long before its rate-limiter slot a request is claimed, so that the claim's database round trip is
         * done when the slot comes. Short on purpose: a process killed in between leaves the claimed request
         * {@code outcome_unknown} (docs/notification.md, "Crash safety").
         */
        @WithDefault("PT0.02S")
        Duration claimLead();

        /** How often the dispatcher looks for due rows when nobody woke it. */
        @WithDefault("PT0.5S")
        Duration pollInterval();

        /** First retry delay after a temporary failure; doubles per attempt, with full jitter. */
        @WithDefault("PT1S")
        Duration backoffBase();

        @WithDefault("PT30S")
        Duration backoffMax();

        /** How long a send may stay in flight before the sweeper declares its outcome unknown (must exceed the provider timeout). */
        @WithDefault("PT60S")
        Duration lease();

        /** Sweeper period: expired queue rows, lost in-flight sends, queue gauges, purge. */
        @WithDefault("PT2S")
        Duration sweepInterval();
    }

    interface Abuse {
        /** ISO 3166 alpha-2 countries SMS may go to: the same list and env var as enrollment-service (docs/enrollment.md). */
        @WithDefault("US,CA,MX,BR,GB,IE,FR,DE,ES,IT,NL,BE,CH,AT,SE,NO,DK,FI,PL,PT,AU,NZ,SG,IN,AE,JP")
        List<String> allowedCountries();

        /** Accepted messages per destination number in any sliding hour. */
        @WithDefault("5")
        int perDestinationPerHour();

        /** Accepted messages per country in any sliding hour, unless {@link #countryCaps()} names the country. */
        @WithDefault("1000")
        int perCountryPerHour();

        /** Per-country overrides of {@link #perCountryPerHour()}: {@code NZ:50,GB:200}. */
        Optional<String> countryCaps();

        /** {@link #countryCaps()} parsed; a malformed entry stops the service at startup. */
        default Map<String, Integer> countryCapMap() {
            Map<String, Integer> caps = new HashMap<>();
            countryCaps().ifPresent(spec -> {
                for (String entry : spec.split(",")) {
                    if (entry.isBlank()) {
                        continue;
                    }
                    String[] kv = entry.split(":");
                    if (kv.length != 2) {
                        throw new IllegalStateException("mfa.notification.abuse.country-caps entries are COUNTRY:CAP");
                    }
                    caps.put(kv[0].strip().toUpperCase(Locale.ROOT), Integer.parseInt(kv[1].strip()));
                }
            });
            return Map.copyOf(caps);
        }
    }
}
