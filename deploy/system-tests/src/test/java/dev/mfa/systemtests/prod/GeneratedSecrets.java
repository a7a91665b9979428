package dev.mfa.systemtests.prod;

import dev.mfa.k8s.PodEnvironment.SecretKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Fresh test values for the Secrets the prod overlay references (deploy/README.md, "Secrets"): each value is generated
 * by the kind of its key, the way an operator would create it — RSA and EC P-256 PEMs, AES-256 and HMAC keys,
 * random credentials, a CA certificate. One value per Secret key for the whole run, so that services sharing a
 * Secret (mfa-crypto, mfa-jwt-issuer) share the value, as in a cluster. A key no generator knows fails the test:
 * add its kind here and to the README table.
 */
final class GeneratedSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final String storePassword = token(12);
    private final Map<SecretKey, String> values = new ConcurrentHashMap<>();
    private final KeyPair identityProvider;
    private final KeyPair assertion;
    private final String fieldKeyId = "k" + HexFormat.of().formatHex(bytes(4));

    GeneratedSecrets(Path dir) {
        this.dir = dir;
        try {
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            identityProvider = rsa.generateKeyPair();
            KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
            ec.initialize(new ECGenParameterSpec("secp256r1"));
            assertion = ec.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The identity provider's RS256 key pair: Secret mfa-jwt-issuer holds its public half. */
    KeyPair identityProvider() {
        return identityProvider;
    }

    /** The MFA assertion key pair (mfa-assertion-signing / mfa-assertion-verify). */
    KeyPair assertion() {
        return assertion;
    }

    String value(SecretKey ref) {
        return values.computeIfAbsent(ref, this::generate);
    }

    private String generate(SecretKey ref) {
        String secret = ref.secret();
        return switch (ref.key()) {
            // CNPG basic-auth Secrets mfa-<service>-db: a role name the test creates, and its password
            case "username" ->
                secret.replace("mfa-", "pb_").replace("-db", "").replace('-', '_') + "_"
                        + HexFormat.of().formatHex(bytes(3));
            case "password", "api-secret", "signature-secret" -> token(24);
            case "api-key" -> HexFormat.of().formatHex(bytes(4));
            // Strimzi KafkaUser Secret: the SCRAM login line (unused against the local PLAINTEXT broker)
            case "sasl.jaas.config" ->
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + secret
                        + "\" password=\"" + token(24) + "\";";
            // the legacy shared key of before the key split (decrypt only), then one key set per purpose
            case "field-keys" -> fieldKeyId + ":" + Base64.getEncoder().encodeToString(bytes(32));
            case "totp-keys", "sms-keys", "email-keys" ->
                ref.key().substring(0, ref.key().indexOf('-')) + "-"
                        + HexFormat.of().formatHex(bytes(4)) + ":"
                        + Base64.getEncoder().encodeToString(bytes(32));
            case "code-hash-key", "recovery-code-key" -> Base64.getEncoder().encodeToString(bytes(32));
            case "public.pem" ->
                switch (secret) {
                    case "mfa-jwt-issuer" ->
                        pem("PUBLIC KEY", identityProvider.getPublic().getEncoded());
                    case "mfa-assertion-verify" ->
                        pem("PUBLIC KEY", assertion.getPublic().getEncoded());
                    default -> throw unknown(ref);
                };
            case "private.pem" -> {
                if (!secret.equals("mfa-assertion-signing")) {
                    throw unknown(ref);
                }
                yield pem("PRIVATE KEY", assertion.getPrivate().getEncoded());
            }
            case "ca.crt" -> caCertificate(secret);
            // Secret mfa-smtp: the boot test sends no e-mail, so a reserved name that never resolves (RFC 2606)
            case "host" -> "smtp.invalid";
            case "port" -> "587";
            default -> throw unknown(ref);
        };
    }

    private static IllegalStateException unknown(SecretKey ref) {
        return new IllegalStateException("no test value generator for key '" + ref.key() + "' of Secret '"
                + ref.secret() + "': add one to GeneratedSecrets (and document the key in deploy/README.md)");
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String token(int n) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(n));
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** A self-signed CA certificate (PEM), made by the JDK's keytool: the JDK has no public API for it. */
    private String caCertificate(String name) {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Path store = dir.resolve(name + "-ca.p12");
        String pass = token(12);
        run(List.of(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + name + " test CA",
                "-validity",
                "2",
                "-ext",
                "bc:c",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                pass));
        String out = run(List.of(
                keytool.toString(),
                "-exportcert",
                "-rfc",
                "-alias",
                "ca",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                pass));
        int begin = out.indexOf("-----BEGIN CERTIFICATE-----");
        int end = out.indexOf("-----END CERTIFICATE-----");
        if (begin < 0 || end < begin) {
            throw new IllegalStateException("keytool printed no certificate: " + out);
        }
        return out.substring(begin, end) + "-----END CERTIFICATE-----\n";
    }

    /**
     * A key store (PKCS12) for a TLS server on 127.0.0.1 and a trust store holding only its certificate, made by
     * keytool: the identity provider's password check must be https in prod. Returns {key store, trust store}; both
     * use {@link #storePassword()}.
     */
    Path[] tlsServerStores(String name) {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Path keyStore = dir.resolve(name + "-tls.p12");
        Path trustStore = dir.resolve(name + "-trust.p12");
        Path cert = dir.resolve(name + "-tls.crt");
        run(List.of(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "san=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                storePassword));
        run(List.of(
                keytool.toString(),
                "-exportcert",
                "-rfc",
                "-alias",
                name,
                "-storetype",
                "PKCS12",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                storePassword,
                "-file",
                cert.toString()));
        run(List.of(
                keytool.toString(),
                "-importcert",
                "-noprompt",
                "-alias",
                name,
                "-file",
                cert.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                trustStore.toString(),
                "-storepass",
                storePassword));
        return new Path[] {keyStore, trustStore};
    }

    String storePassword() {
        return storePassword;
    }

    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Writes a Secret file where the test mounts it. */
    static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
