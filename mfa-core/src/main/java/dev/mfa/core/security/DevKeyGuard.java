package dev.mfa.core.security;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Refuses to start a packaged service (launch mode normal) with any committed local dev value — the dev JWT and
 * assertion keys (deploy/local/*.pem), the dev field keys of every key set, the dev code-hash and recovery-code
 * keys, the Vonage stub's credentials and the dev token issuer — unless the profile is the local stack's {@code local}. A copied local configuration, or a profile
 * name other than {@code prod}, can then never let world-readable keys protect real users.
 */
@Singleton
public class DevKeyGuard {

    /** SHA-256 of the base64 body of each committed dev key (public and private halves). */
    static final Set<String> DEV_KEY_FINGERPRINTS = Set.of(
            "7d1d04dcc976cdce44670a15d67179018762ca68763dade39c52f21a2008cfb8", // dev-jwt-public.pem
            "105b44aa51a875072841c8e57938a8ba604437184ef4dd7e14d2110c347aa5b2", // dev-jwt-private.pem
            "3c07bc28aeeaf915d1ec9206f7b3dee40f546af9ab04e5b99fdd14da33615bee", // dev-assertion-public.pem
            "08121c8d8478b285da2776993f4d69d5fdd3f638cdbd3bd761f9dadd8cb5ed90"); // dev-assertion-private.pem

    /** Config keys naming key material, as locations or inline PEM. */
    static final List<String> KEY_LOCATIONS = List.of(
            "mp.jwt.verify.publickey.location",
            "mfa.assertion.public-key-location",
            "mfa.assertion.private-key-location",
            "smallrye.jwt.sign.key.location");

    static final List<String> INLINE_KEYS = List.of("mp.jwt.verify.publickey", "smallrye.jwt.sign.key");

    /** SHA-256 of committed dev secrets (application.properties of the dev, test and local profiles). */
    static final Set<String> DEV_SECRET_FINGERPRINTS = Set.of(
            "8f690304c7f19bb9ccf12777d9f468208150bc71ea5bde61d23078b7490217b2", // field key local-dev
            "3e7a9773088cdbb2fa80566b9ebc86ba1f264f5b5abb97570edcf53bd567d71d", // code-hash key
            "6f61973387c70c38258b8e7cd28508e9faba462f0867f839cd8c8bb58f841d95", // totp key totp-dev
            "272ff5e39bd739c1cfd087af0f63747599e8e705927b9daae4fb9b94066c5a70", // sms key sms-dev
            "65cdb159fc2600e8316739f986fd33202f14c05d858e3ae1b2091f9f6d6fe4aa", // email key email-dev
            "be517fc7d8a8d405898541b91920192ed80162536b003c5e14c36e42e64311f7"); // recovery-code key

    /** Key sets ({@code id:base64,...}) and single keys (base64) checked against the dev secrets. */
    static final List<String> KEY_SETS = List.of(
            "mfa.crypto.totp-keys",
            "mfa.crypto.sms-keys",
            "mfa.crypto.email-keys",
            "mfa.crypto.legacy-field-keys",
            "mfa.crypto.field-keys");

    static final List<String> SINGLE_KEYS = List.of("mfa.crypto.code-hash-key", "mfa.crypto.recovery-code-key");

    /** Plain dev values: the Vonage stub's credentials and the dev identity provider's issuer. */
    static final Map<String, String> DEV_VALUES = Map.of(
            "mfa.vonage.api-key",
            "local-key",
            "mfa.vonage.api-secret",
            "local-secret",
            "mp.jwt.verify.issuer",
            "https://mfa.local/dev");

    /** The only profile a packaged service may run with dev values: deploy/local/run.sh's. */
    static final String LOCAL_PROFILE = "local";

    void onStart(@Observes StartupEvent event) {
        if (applies(LaunchMode.current(), ConfigUtils.getProfiles())) {
            check(ConfigProvider.getConfig());
        }
    }

    /** Tests and dev mode use the dev values by design; every packaged run is checked except the local stack's. */
    static boolean applies(LaunchMode mode, Collection<String> profiles) {
        return mode == LaunchMode.NORMAL && !profiles.contains(LOCAL_PROFILE);
    }

    static void check(Config config) {
        for (String key : KEY_LOCATIONS) {
            Optional<String> location = config.getOptionalValue(key, String.class);
            if (location.isPresent()
                    && load(location.get()).map(DevKeyGuard::isDevKey).orElse(false)) {
                throw new IllegalStateException(
                        key + " points at a committed LOCAL DEV key; the prod profile refuses it");
            }
        }
        for (String key : INLINE_KEYS) {
            if (config.getOptionalValue(key, String.class)
                    .map(DevKeyGuard::isDevKey)
                    .orElse(false)) {
                throw new IllegalStateException(key + " is a committed LOCAL DEV key; the prod profile refuses it");
            }
        }
        // key sets are "id:base64,..."; any one dev key among them would decrypt what it encrypted
        for (String set : KEY_SETS) {
            for (String entry :
                    config.getOptionalValue(set, String.class).orElse("").split(",")) {
                if (isDevSecret(entry.substring(entry.indexOf(':') + 1))) {
                    throw new IllegalStateException(set + " holds a committed LOCAL DEV key; refused");
                }
            }
        }
        for (String key : SINGLE_KEYS) {
            if (config.getOptionalValue(key, String.class)
                    .map(DevKeyGuard::isDevSecret)
                    .orElse(false)) {
                throw new IllegalStateException(key + " is a committed LOCAL DEV key; refused");
            }
        }
        DEV_VALUES.forEach((key, devValue) -> {
            if (config.getOptionalValue(key, String.class)
                    .map(v -> v.strip().equals(devValue))
                    .orElse(false)) {
                throw new IllegalStateException(key + " is the committed LOCAL DEV value; refused");
            }
        });
    }

    static boolean isDevSecret(String value) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(value.strip().getBytes(StandardCharsets.UTF_8));
            return DEV_SECRET_FINGERPRINTS.contains(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when the PEM (or bare base64) text is one of the committed dev keys. */
    public static boolean isDevKey(String pem) {
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.US_ASCII));
            return DEV_KEY_FINGERPRINTS.contains(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Optional<String> load(String location) {
        try {
            if (location.startsWith("file:")) {
                return Optional.of(Files.readString(Path.of(location.substring("file:".length()))));
            }
            String resource = location.startsWith("classpath:") ? location.substring("classpath:".length()) : location;
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
                if (in != null) {
                    return Optional.of(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
                }
            }
            Path path = Path.of(location);
            return Files.isReadable(path) ? Optional.of(Files.readString(path)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            // Unreadable keys fail later in smallrye-jwt with its own clear error.
            return Optional.empty();
        }
    }
}
