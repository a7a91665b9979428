package dev.mfa.notification.service;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Vonage's signed-webhook scheme: every parameter except {@code sig}, sorted by name, empty values left out, joined
 * as {@code &name=value} with {@code &} and {@code =} inside names and values replaced by {@code _}; then either
 * MD5 of that string followed by the signature secret ({@code md5hash}) or an HMAC keyed with the secret
 * ({@code md5}, {@code sha1}, {@code sha256}, {@code sha512}); lower-case hex, compared case-insensitively.
 * The {@code timestamp} parameter (Unix seconds) must be within the allowed skew, against replays.
 */
public final class ReceiptSignature {

    public static final String SIG = "sig";
    public static final String TIMESTAMP = "timestamp";

    private final byte[] secret;
    private final String method;
    private final Duration maxSkew;

    public ReceiptSignature(String secret, String method, Duration maxSkew) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.method = method.strip().toLowerCase(Locale.ROOT);
        this.maxSkew = maxSkew;
        if (macAlgorithm(this.method) == null && !"md5hash".equals(this.method)) {
            throw new IllegalStateException("mfa.vonage.signature-method must be md5hash, md5, sha1, sha256 or sha512");
        }
    }

    /** Whether {@code params} carry a valid, fresh signature. */
    public boolean verify(Map<String, String> params, Instant now) {
        String supplied = params.get(SIG);
        String timestamp = params.get(TIMESTAMP);
        if (supplied == null || supplied.isBlank() || timestamp == null) {
            return false;
        }
        try {
            Instant signedAt = Instant.ofEpochSecond(Long.parseLong(timestamp.strip()));
            if (Duration.between(signedAt, now).abs().compareTo(maxSkew) > 0) {
                return false;
            }
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return false;
        }
        byte[] expected = sign(params).getBytes(StandardCharsets.US_ASCII);
        byte[] given = supplied.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given);
    }

    /** The lower-case hex signature of {@code params} (any {@code sig} among them is ignored). */
    public String sign(Map<String, String> params) {
        StringBuilder base = new StringBuilder();
        new TreeMap<>(params).forEach((name, value) -> {
            if (!SIG.equals(name) && value != null && !value.isBlank()) {
                base.append('&').append(clean(name)).append('=').append(clean(value));
            }
        });
        try {
            String algorithm = macAlgorithm(method);
            byte[] digest;
            if (algorithm == null) {
                MessageDigest md5 = MessageDigest.getInstance("MD5");
                md5.update(base.toString().getBytes(StandardCharsets.UTF_8));
                md5.update(secret);
                digest = md5.digest();
            } else {
                Mac mac = Mac.getInstance(algorithm);
                mac.init(new SecretKeySpec(secret, algorithm));
                digest = mac.doFinal(base.toString().getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signature algorithm unavailable", e);
        }
    }

    private static String clean(String s) {
        return s.replace('&', '_').replace('=', '_');
    }

    private static String macAlgorithm(String method) {
        return switch (method) {
            case "md5" -> "HmacMD5";
            case "sha1" -> "HmacSHA1";
            case "sha256" -> "HmacSHA256";
            case "sha512" -> "HmacSHA512";
            default -> null;
        };
    }
}
