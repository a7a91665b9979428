package dev.mfa.web;

import io.quarkus.runtime.configuration.ConfigUtils;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The local stand-in for the identity provider (CONTRACT §7): checks a seed user's password against the seed
 * loader's hash file (the format enrollment-service's file verifier reads) and mints an access token signed with
 * the committed dev key, as {@code deploy/local/token.sh} does. Only in the local, dev and test profiles.
 */
@ApplicationScoped
public class DevIdentityProvider {

    static final Set<String> ALLOWED_PROFILES = Set.of("local", "dev", "test");
    private static final String SCHEME = "pbkdf2-sha256";
    private static final int DUMMY_ITERATIONS = 210_000;
    private static final int MAX_ITERATIONS = 5_000_000;
    private static final byte[] DUMMY_SALT = new byte[16];

    /** A seed user as the directory files describe them. */
    public record User(String userId, String orgId, String email, List<String> groups, String pay) {}

    private final WebConfig.DevLogin config;
    private final Clock clock;
    private final boolean available;
    private volatile PrivateKey key;

    public DevIdentityProvider(WebConfig config, Clock clock) {
        this.config = config.devLogin();
        this.clock = clock;
        this.available = this.config.enabled() && profileAllowed(ConfigUtils.getProfiles());
    }

    static boolean profileAllowed(List<String> activeProfiles) {
        return !activeProfiles.isEmpty() && ALLOWED_PROFILES.containsAll(activeProfiles);
    }

    /** Whether the dev sign-in is on: configured on, and every active profile is local, dev or test. */
    public boolean available() {
        return available;
    }

    /** The user when the password is theirs; empty otherwise (same cost either way). Blocking: slow hash. */
    public Optional<User> authenticate(String login, char[] password) {
        if (!available) {
            return Optional.empty();
        }
        Optional<User> user = findUser(login);
        String stored = user.map(u -> hashes().getString(u.userId())).orElse(null);
        if (stored == null) {
            pbkdf2(password, DUMMY_SALT, DUMMY_ITERATIONS, 32);
            return Optional.empty();
        }
        return matches(password, stored) ? user : Optional.empty();
    }

    /** An RS256 access token like token.sh prints, plus {@code aud}. */
    public String mintToken(User u) {
        Instant now = clock.instant();
        var claims = Jwt.claims()
                .issuer(config.issuer())
                .subject(u.userId())
                .upn(u.email() != null ? u.email() : u.userId())
                .claim("org", u.orgId())
                .groups(new HashSet<>(u.groups()))
                .audience(config.audience())
                .issuedAt(now)
                .expiresAt(now.plus(config.tokenTtl()))
                .claim("jti", UUID.randomUUID().toString());
        if (u.pay() != null) {
            claims.claim("pay", u.pay());
        }
        return claims.jws()
                .algorithm(io.smallrye.jwt.algorithm.SignatureAlgorithm.RS256)
                .sign(signingKey());
    }

    private PrivateKey signingKey() {
        PrivateKey k = key;
        if (k == null) {
            String location = config.signingKey()
                    .orElseThrow(() -> new IllegalStateException("mfa.web.dev-login.signing-key is not set"));
            try {
                k = KeyUtils.decodePrivateKey(Files.readString(Path.of(location), StandardCharsets.UTF_8));
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot read the dev signing key", e);
            }
            key = k;
        }
        return k;
    }

    /** Whether the files it needs are readable (the readiness check). */
    public boolean ready() {
        if (!available) {
            return true;
        }
        try {
            signingKey();
            return config.passwordFile().map(p -> Files.isReadable(Path.of(p))).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    Optional<User> findUser(String login) {
        if (login == null || login.isBlank()) {
            return Optional.empty();
        }
        for (String file : config.directory().orElse(List.of())) {
            Path p = Path.of(file);
            if (!Files.isReadable(p)) {
                continue;
            }
            JsonObject seed = read(p);
            for (Object o : seed.getJsonArray("orgs", new JsonArray())) {
                JsonObject org = (JsonObject) o;
                for (Object uo : org.getJsonArray("users", new JsonArray())) {
                    JsonObject u = (JsonObject) uo;
                    if (login.equals(u.getString("userId")) || login.equalsIgnoreCase(u.getString("email", ""))) {
                        List<String> groups = new ArrayList<>();
                        u.getJsonArray("groups", new JsonArray().add("user")).forEach(g -> groups.add(g.toString()));
                        return Optional.of(new User(
                                u.getString("userId"),
                                org.getString("orgId"),
                                u.getString("email"),
                                groups,
                                u.getString("pay")));
                    }
                }
            }
        }
        return Optional.empty();
    }

    private JsonObject hashes() {
        return config.passwordFile()
                .map(Path::of)
                .filter(Files::isReadable)
                .map(DevIdentityProvider::read)
                .orElseGet(JsonObject::new);
    }

    private static JsonObject read(Path p) {
        try {
            return new JsonObject(Files.readString(p, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p.getFileName(), e);
        }
    }

    /** Constant-time comparison with a {@code pbkdf2-sha256$iterations$salt$hash} entry (the seed loader's format). */
    static boolean matches(char[] password, String stored) {
        String[] parts = stored.split("\\$");
        if (parts.length != 4 || !SCHEME.equals(parts[0])) {
            return false;
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            if (iterations < 1 || iterations > MAX_ITERATIONS || expected.length == 0) {
                return false;
            }
            return MessageDigest.isEqual(expected, pbkdf2(password, salt, iterations, expected.length));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String hash(char[] password, byte[] salt, int iterations) {
        Base64.Encoder b64 = Base64.getEncoder();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(pbkdf2(password, salt, iterations, 32));
    }

    private static byte[] pbkdf2(char[] password, byte[] salt, int iterations, int bytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(spec)
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
        } finally {
            spec.clearPassword();
        }
    }
}
