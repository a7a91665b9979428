package dev.mfa.systemtests.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Every secret value the tests used or were shown — passwords, TOTP secrets, recovery codes, phone numbers, one-time
 * codes — so that events, logs and error answers can be searched for them in clear.
 */
public final class Secrets {

    /** Long values: any occurrence is a leak. */
    private static final Set<String> LONG = ConcurrentHashMap.newKeySet();
    /** Digit strings (codes, phone numbers): a leak when not part of a longer token (a UUID or a timestamp). */
    private static final Set<String> DIGITS = ConcurrentHashMap.newKeySet();

    private Secrets() {}

    public static void secret(String value) {
        if (value != null && value.length() >= 8) {
            LONG.add(value);
        }
    }

    /** A short one-time code (6 digits). */
    public static void code(String code) {
        if (code != null && !code.isBlank()) {
            DIGITS.add(code.trim());
        }
    }

    /** A recovery code, as shown and in its normalised form (no separators). */
    public static void recoveryCode(String code) {
        if (code != null) {
            secret(code);
            secret(code.replace("-", ""));
        }
    }

    /** A phone number: E.164 with and without the plus, and the national significant number. */
    public static void phone(String e164, String nationalSignificant) {
        secret(e164);
        DIGITS.add(e164.replace("+", ""));
        DIGITS.add(nationalSignificant);
    }

    public static int count() {
        return LONG.size() + DIGITS.size();
    }

    /** The secret values found in {@code text} (described without repeating them in full). */
    public static List<String> leaks(String text) {
        List<String> found = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return found;
        }
        for (String s : LONG) {
            if (text.contains(s)) {
                found.add(describe(s));
            }
        }
        for (String d : DIGITS) {
            if (text.contains(d)
                    && Pattern.compile("(?<![0-9A-Za-z])" + Pattern.quote(d) + "(?![0-9A-Za-z])")
                            .matcher(text)
                            .find()) {
                found.add(describe(d));
            }
        }
        return found;
    }

    /** The text with every long secret replaced by {@code ***} (for failure messages that quote a request). */
    public static String mask(String text) {
        String masked = text;
        for (String s : LONG) {
            masked = masked.replace(s, "***");
        }
        return masked;
    }

    private static String describe(String s) {
        return s.length() <= 4 ? "****" : s.substring(0, 2) + "…(" + s.length() + " chars)";
    }
}
