package dev.mfa.notification.service;

import dev.mfa.notification.domain.EmailTemplate;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What an e-mail request may contain. Every param is typed (a date, a method name, a masked phone, a user id, a
 * day count) and turned into its display value here, so a template never receives free text: a code or secret put
 * into params by mistake is refused ({@code invalid_params}), not mailed. Pure functions, no I/O.
 */
public final class EmailRules {

    static final int MAX_ADDRESS_LENGTH = 254;
    private static final Pattern ADDRESS =
            Pattern.compile("[^\\s@<>()\\[\\],;:\"\\\\]{1,64}@[A-Za-z0-9.-]{1,189}" + "\\.[A-Za-z0-9-]{2,63}");
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._@+-]{1,128}");
    private static final Pattern MASKED_PHONE = Pattern.compile("[+0-9 •*·-]{4,32}");
    private static final int MAX_MASKED_PHONE_DIGITS = 5;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter DAY_TIME =
            DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm 'UTC'", Locale.ENGLISH);
    private static final Map<String, String> METHODS =
            Map.of("TOTP", "authenticator app", "SMS", "text message (SMS)", "PASSKEY", "passkey");

    private EmailRules() {}

    public static EmailTemplate template(String id) {
        return EmailTemplate.byId(id == null ? "" : id.strip())
                .orElseThrow(() -> new InvalidEmailRequestException("unknown_template", "unknown template"));
    }

    /** The address, stripped; refused unless it is one plain mailbox (no display name, no header injection). */
    public static String address(String to) {
        String a = to == null ? "" : to.strip();
        if (a.length() > MAX_ADDRESS_LENGTH || !ADDRESS.matcher(a).matches()) {
            throw new InvalidEmailRequestException("invalid_address", "to is not a plain e-mail address");
        }
        return a;
    }

    /**
     * The request's params, checked against the template (required present, nothing unknown, each value of its
     * type). Returns the raw values, sorted, to be stored and passed to {@link #display} when rendering.
     */
    public static Map<String, String> params(EmailTemplate template, Map<String, String> params) {
        Map<String, String> given = params == null ? Map.of() : params;
        Map<String, String> checked = new TreeMap<>();
        for (Map.Entry<String, String> e : given.entrySet()) {
            String key = e.getKey();
            if (!template.required().contains(key) && !template.optional().contains(key)) {
                throw invalid("param not taken by " + template.id() + ": " + safeKey(key));
            }
            if (e.getValue() == null || e.getValue().isBlank()) {
                if (template.required().contains(key)) {
                    throw invalid("param " + key + " is blank");
                }
                continue;
            }
            String value = e.getValue().strip();
            display(key, value); // type check
            checked.put(key, value);
        }
        for (String key : template.required()) {
            if (!checked.containsKey(key)) {
                throw invalid("param " + key + " is missing");
            }
        }
        return checked;
    }

    /** Display values for the template: every param the template takes, absent optional ones as "". */
    public static Map<String, String> displayAll(EmailTemplate template, Map<String, String> raw) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : template.required()) {
            out.put(key, display(key, raw.get(key)));
        }
        for (String key : template.optional()) {
            String v = raw.get(key);
            out.put(key, v == null ? "" : display(key, v));
        }
        return out;
    }

    /** The subject with its {@code {param}} placeholders filled in. */
    public static String subject(String brand, EmailTemplate template, Map<String, String> display) {
        String s = template.subject();
        for (Map.Entry<String, String> e : display.entrySet()) {
            s = s.replace("{" + e.getKey() + "}", e.getValue());
        }
        return brand + ": " + s;
    }

    static String display(String key, String value) {
        if (value == null) {
            throw invalid("param " + key + " is missing");
        }
        return switch (key) {
            case "deadline", "until", "at" -> date(key, value);
            case "daysLeft" -> {
                int days;
                try {
                    days = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    throw invalid("param daysLeft is not a number");
                }
                if (days < 0 || days > 400) {
                    throw invalid("param daysLeft out of range");
                }
                yield Integer.toString(days);
            }
            case "method" -> {
                String name = METHODS.get(value.toUpperCase(Locale.ROOT));
                if (name == null) {
                    throw invalid("param method is not a known method");
                }
                yield name;
            }
            case "phoneMasked" -> {
                long digits = value.chars().filter(Character::isDigit).count();
                if (!MASKED_PHONE.matcher(value).matches()
                        || digits > MAX_MASKED_PHONE_DIGITS
                        || value.chars().noneMatch(c -> c == '•' || c == '*' || c == '·')) {
                    throw invalid("param phoneMasked is not a masked number");
                }
                yield value;
            }
            case "lockedUserId" -> {
                if (!USER_ID.matcher(value).matches()) {
                    throw invalid("param lockedUserId is not a user id");
                }
                yield value;
            }
            default -> throw invalid("unknown param " + safeKey(key));
        };
    }

    /** An ISO date ({@code 2026-12-18}) shows as a day, an instant as day and time in UTC. */
    private static String date(String key, String value) {
        try {
            if (value.length() <= 10) {
                return DAY.format(LocalDate.parse(value));
            }
            return DAY_TIME.format(Instant.parse(value).atZone(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            throw invalid("param " + key + " is not an ISO date or instant");
        }
    }

    private static String safeKey(String key) {
        // A key is ours to name in a log line only if it looks like an identifier.
        return key != null && key.matches("[A-Za-z]{1,32}") ? key : "(unnamed)";
    }

    private static InvalidEmailRequestException invalid(String message) {
        return new InvalidEmailRequestException("invalid_params", message);
    }
}
