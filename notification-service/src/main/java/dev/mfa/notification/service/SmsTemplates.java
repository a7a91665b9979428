package dev.mfa.notification.service;

import dev.mfa.notification.config.NotificationConfig;
import dev.mfa.notification.domain.SmsPurpose;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Renders the text of a code message per purpose. Every template is checked at startup with the longest code and
 * expiry it can carry, so that each message is one GSM-7 segment (one SMS billed, no UCS-2 switch) or the service
 * refuses to start.
 */
@ApplicationScoped
public class SmsTemplates {

    /** Longest code a producer may send (design: 6 digits; room for 8). */
    public static final int MAX_CODE_DIGITS = 8;
    /** Longest expiry text checked at startup: "999" minutes. */
    static final int MAX_MINUTES = 999;

    private final String brand;
    private final Map<SmsPurpose, String> templates = new EnumMap<>(SmsPurpose.class);

    @Inject
    public SmsTemplates(NotificationConfig config) {
        this(config.brand(), config.templates().enrollment(), config.templates().signIn());
    }

    SmsTemplates(String brand, String enrollment, String signIn) {
        this.brand = brand.strip();
        templates.put(SmsPurpose.ENROLLMENT, enrollment);
        templates.put(SmsPurpose.SIGN_IN, signIn);
        for (Map.Entry<SmsPurpose, String> t : templates.entrySet()) {
            if (!t.getValue().contains("{code}")) {
                throw new IllegalStateException("SMS template " + t.getKey() + " has no {code} placeholder");
            }
            String longest = fill(t.getValue(), "9".repeat(MAX_CODE_DIGITS), MAX_MINUTES);
            if (!Gsm7.fitsOneSegment(longest)) {
                throw new IllegalStateException("SMS template " + t.getKey() + " with brand '" + this.brand
                        + "' does not fit one GSM-7 segment of " + Gsm7.SINGLE_SEGMENT + " characters");
            }
        }
    }

    public String render(SmsPurpose purpose, String code, Duration remaining) {
        if (code == null
                || code.isEmpty()
                || code.length() > MAX_CODE_DIGITS
                || !code.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("code must be 1.." + MAX_CODE_DIGITS + " digits");
        }
        return fill(templates.get(purpose), code, minutes(remaining));
    }

    /** Whole minutes left, rounded up, at least 1 and at most {@value #MAX_MINUTES}. */
    static int minutes(Duration remaining) {
        long seconds = Math.max(0, remaining.toSeconds());
        return (int) Math.min(MAX_MINUTES, Math.max(1, (seconds + 59) / 60));
    }

    private String fill(String template, String code, int minutes) {
        return template.replace("{brand}", brand)
                .replace("{code}", code)
                .replace("{minutes}", Integer.toString(minutes));
    }
}
