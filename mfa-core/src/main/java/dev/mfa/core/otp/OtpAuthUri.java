package dev.mfa.core.otp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A TOTP key in the Google Key URI format:
 * {@code otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30}.
 *
 * <p>The issuer appears both as label prefix and as {@code issuer=} parameter (apps differ in which
 * one they read). Colons are refused in issuer and account because the colon separates them in
 * the label. Label parts and values are percent-encoded as UTF-8 (a space becomes {@code %20},
 * never {@code +}). {@link #toString()} hides the secret; use {@link #uri()} for the URI itself.
 *
 * @param issuer    service name, or {@code null} when absent
 * @param account   account name, e.g. the user's e-mail
 * @param secret    Base32 secret, canonical form (upper case, no padding)
 * @param algorithm HMAC algorithm
 * @param digits    code length, 6 to 8
 * @param period    time step in seconds
 */
public record OtpAuthUri(String issuer, String account, String secret, OtpAlgorithm algorithm, int digits, int period) {

    public static final String SCHEME = "otpauth";
    public static final String TYPE_TOTP = "totp";
    private static final String PREFIX = SCHEME + "://" + TYPE_TOTP + "/";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    public OtpAuthUri {
        if (issuer != null) {
            checkLabelPart(issuer, "issuer");
        }
        Objects.requireNonNull(account, "account");
        checkLabelPart(account, "account");
        Objects.requireNonNull(secret, "secret");
        byte[] key = Base32.decode(secret);
        if (key.length == 0) {
            throw new IllegalArgumentException("otpauth secret must not be empty");
        }
        secret = Base32.encode(key);
        Objects.requireNonNull(algorithm, "algorithm");
        Hotp.checkDigits(digits);
        if (period <= 0) {
            throw new IllegalArgumentException("otpauth period must be positive");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The decoded secret. */
    public byte[] secretBytes() {
        return Base32.decode(secret);
    }

    /** TOTP parameters of this key, with the default verification window. */
    public TotpParameters totpParameters() {
        return new TotpParameters(algorithm, digits, period, TotpParameters.DEFAULT_WINDOW);
    }

    /** The {@code otpauth://} URI (contains the secret: do not log). */
    public String uri() {
        StringBuilder sb = new StringBuilder(PREFIX);
        if (issuer != null) {
            sb.append(encode(issuer)).append(':');
        }
        sb.append(encode(account));
        sb.append("?secret=").append(secret);
        if (issuer != null) {
            sb.append("&issuer=").append(encode(issuer));
        }
        sb.append("&algorithm=").append(algorithm.otpauthName());
        sb.append("&digits=").append(digits);
        sb.append("&period=").append(period);
        return sb.toString();
    }

    /** Hides the secret so that the value can be logged safely. */
    @Override
    public String toString() {
        return "OtpAuthUri[issuer=" + issuer + ", account=" + account + ", secret=***, algorithm=" + algorithm
                + ", digits=" + digits + ", period=" + period + "]";
    }

    /**
     * Parses a {@code otpauth://totp/...} URI. Missing {@code algorithm}, {@code digits} and
     * {@code period} take the Key URI defaults (SHA1, 6, 30); unknown parameters are ignored.
     *
     * @throws IllegalArgumentException when the URI is not a valid TOTP key URI; the message never
     *                                  repeats the URI, which contains the secret
     */
    public static OtpAuthUri parse(String uri) {
        Objects.requireNonNull(uri, "uri");
        if (!uri.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw new IllegalArgumentException("Not an otpauth://totp/ URI");
        }
        String rest = uri.substring(PREFIX.length());
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        int question = rest.indexOf('?');
        String rawLabel = question >= 0 ? rest.substring(0, question) : rest;
        String query = question >= 0 ? rest.substring(question + 1) : "";

        String label = decode(rawLabel, "label");
        String labelIssuer = null;
        String account = label;
        int colon = label.indexOf(':');
        if (colon >= 0) {
            labelIssuer = label.substring(0, colon);
            // Key URI format: optional spaces may precede the account name.
            account = label.substring(colon + 1).stripLeading();
        }

        Map<String, String> params = new HashMap<>();
        for (String pair : query.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq >= 0 ? pair.substring(0, eq) : pair, "parameter name")
                    .toLowerCase(Locale.ROOT);
            String value = eq >= 0 ? decode(pair.substring(eq + 1), "parameter " + name) : "";
            if (params.putIfAbsent(name, value) != null) {
                throw new IllegalArgumentException("otpauth URI repeats parameter '" + name + "'");
            }
        }

        String secret = params.get("secret");
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("otpauth URI has no secret");
        }
        String issuer = params.get("issuer");
        if (issuer != null && labelIssuer != null && !issuer.equals(labelIssuer)) {
            throw new IllegalArgumentException("otpauth issuer parameter differs from the label's issuer");
        }
        if (issuer == null) {
            issuer = labelIssuer;
        }
        OtpAlgorithm algorithm = params.containsKey("algorithm")
                ? OtpAlgorithm.fromOtpauthName(params.get("algorithm"))
                : TotpParameters.DEFAULT_ALGORITHM;
        int digits = intParam(params, "digits", TotpParameters.DEFAULT_DIGITS);
        int period = intParam(params, "period", TotpParameters.DEFAULT_PERIOD_SECONDS);
        return new OtpAuthUri(issuer, account, secret, algorithm, digits, period);
    }

    private static int intParam(Map<String, String> params, String name, int defaultValue) {
        String value = params.get(name);
        if (value == null) {
            return defaultValue;
        }
        if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("otpauth parameter '" + name + "' must be a positive integer");
        }
        return Integer.parseInt(value);
    }

    private static void checkLabelPart(String value, String what) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("otpauth " + what + " must not be blank");
        }
        if (value.indexOf(':') >= 0) {
            throw new IllegalArgumentException("otpauth " + what + " must not contain ':'");
        }
    }

    // RFC 3986 unreserved characters stay as they are; '@' is also legal in path and query and keeps
    // e-mail accounts readable. Everything else is %XX of its UTF-8 bytes.
    static String encode(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~'
                    || c == '@') {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >>> 4]).append(HEX[c & 0x0f]);
            }
        }
        return sb.toString();
    }

    // '+' is kept literally (RFC 3986); our encoder never writes it for a space.
    static String decode(String value, String what) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                if (i + 2 >= value.length()) {
                    throw new IllegalArgumentException("otpauth " + what + " has an incomplete %-escape");
                }
                int hi = Character.digit(value.charAt(i + 1), 16);
                int lo = Character.digit(value.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("otpauth " + what + " has an invalid %-escape");
                }
                out.write((hi << 4) | lo);
                i += 2;
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < value.length()) {
                    bytes = value.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                out.write(bytes, 0, bytes.length);
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("otpauth " + what + " is not valid UTF-8");
        }
    }

    /** Builds an {@link OtpAuthUri}; algorithm, digits and period default to the Key URI defaults. */
    public static final class Builder {
        private String issuer;
        private String account;
        private String secret;
        private OtpAlgorithm algorithm = TotpParameters.DEFAULT_ALGORITHM;
        private int digits = TotpParameters.DEFAULT_DIGITS;
        private int period = TotpParameters.DEFAULT_PERIOD_SECONDS;

        private Builder() {}

        public Builder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        public Builder account(String account) {
            this.account = account;
            return this;
        }

        public Builder secret(byte[] secret) {
            this.secret = Base32.encode(Objects.requireNonNull(secret, "secret"));
            return this;
        }

        public Builder secretBase32(String secret) {
            this.secret = secret;
            return this;
        }

        public Builder algorithm(OtpAlgorithm algorithm) {
            this.algorithm = algorithm;
            return this;
        }

        public Builder digits(int digits) {
            this.digits = digits;
            return this;
        }

        public Builder period(int period) {
            this.period = period;
            return this;
        }

        /** Copies algorithm, digits and period (the window is not part of the URI). */
        public Builder parameters(TotpParameters parameters) {
            this.algorithm = parameters.algorithm();
            this.digits = parameters.digits();
            this.period = parameters.periodSeconds();
            return this;
        }

        public OtpAuthUri build() {
            return new OtpAuthUri(issuer, account, secret, algorithm, digits, period);
        }

        /** Shortcut for {@code build().uri()}. */
        public String buildUri() {
            return build().uri();
        }
    }
}
