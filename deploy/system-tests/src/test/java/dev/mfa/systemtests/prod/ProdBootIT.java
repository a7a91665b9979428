package dev.mfa.systemtests.prod;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.k8s.PodEnvironment;
import dev.mfa.localstack.PostgresDatabases;
import dev.mfa.localstack.StubMessage;
import dev.mfa.localstack.VonageStub;
import dev.mfa.systemtests.support.Http;
import dev.mfa.systemtests.support.Phones;
import dev.mfa.systemtests.support.Platform;
import dev.mfa.systemtests.support.Secrets;
import dev.mfa.systemtests.support.SystemTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The production profile as the manifests configure it (issue 13): each service's packaged jar, started with exactly
 * the environment that {@code deploy/k8s/overlays/prod} gives its Deployment ({@link PodEnvironment}: envFrom
 * ConfigMaps, env, Secret references, Secret volumes) — {@code QUARKUS_PROFILE=prod} included, from the manifest —
 * with generated Secret values ({@link GeneratedSecrets}), against the system tests' running PostgreSQL and Kafka,
 * a Vonage stub and an identity-provider stub. Then readiness and one real flow per service.
 *
 * <p>Only these values differ from the manifests, each through the variable an operator would set:
 * <ul>
 *   <li>{@code QUARKUS_DATASOURCE_REACTIVE_URL}, {@code QUARKUS_DATASOURCE_JDBC_URL}: the local PostgreSQL and a
 *       fresh database per service (owned by the role of the generated {@code mfa-<service>-db} Secret), without
 *       {@code sslmode=verify-full}/{@code sslrootcert}: the local server speaks no TLS. The trust-certificate
 *       variables stay as the manifest sets them (pointing at the generated CA file);</li>
 *   <li>{@code KAFKA_BOOTSTRAP_SERVERS}: the local broker; {@code KAFKA_SECURITY_PROTOCOL=PLAINTEXT} instead of
 *       {@code SASL_SSL}: the local broker has no TLS or SCRAM. The SASL mechanism, JAAS line (from the generated
 *       KafkaUser Secret) and PEM truststore stay set, and are unused by a PLAINTEXT client;</li>
 *   <li>{@code MFA_VONAGE_BASE_URI}: this test's Vonage stub, which accepts only the generated {@code mfa-vonage}
 *       key and secret;</li>
 *   <li>{@code MFA_REAUTH_VERIFY_URL}: this test's identity-provider password check (https on loopback, its
 *   certificate trusted through the JVM's trust store option, as an operator would for a private CA);</li>
 *   <li>a tuning the manifest leaves at its default: {@code MFA_SCHEDULER_INTERVAL=1s}, so that a deadline fires
 *       within a second or two rather than ten.</li>
 * </ul>
 * Files the pod would see under a Secret mount ({@code /etc/mfa/secrets/...}) are written under this test's work
 * directory, and every value naming such a path is pointed there. {@code MFA_JWT_ISSUER} stays the overlay's:
 * the test mints tokens with that issuer and the generated identity-provider key.
 *
 * <p>The services use run.sh's ports and the same Kafka consumer groups as the local services, so the local four are
 * stopped first; this class therefore runs after every other system test ({@code @Order(Integer.MAX_VALUE)}) and
 * leaves them stopped (the platform's {@code run.sh --stop} ends the stack).
 */
@SystemTest
@Order(Integer.MAX_VALUE)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Production profile boot (deploy/k8s/overlays/prod)")
class ProdBootIT {

    private static final String OVERLAY = "prod";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern CODE = Pattern.compile("(?<![0-9])([0-9]{6})(?![0-9])");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventCodec CODEC = new EventCodec();

    private final Map<String, ProdService> services = new LinkedHashMap<>();
    private Path root;
    private Path work;
    private GeneratedSecrets secrets;
    private IdentityProviderStub identityProvider;
    private VonageStub vonage;
    private String issuer;
    private String audience;
    private Instant classStart;

    @BeforeAll
    void boot() throws Exception {
        classStart = Instant.now();
        Platform platform = Platform.get();
        root = platform.root();
        String output = System.getProperty(
                "mfa.system-tests.output",
                root.resolve("deploy/system-tests/target/system-tests").toString());
        work = Path.of(output).resolve("prod-boot");
        deleteTree(work);
        Files.createDirectories(work);
        secrets = new GeneratedSecrets(work);
        Path[] idpStores = secrets.tlsServerStores("identity-provider");
        identityProvider = new IdentityProviderStub(idpStores[0], secrets.storePassword());

        Map<String, PodEnvironment> pods = new LinkedHashMap<>();
        for (String svc : Platform.SERVICES) {
            pods.put(svc, PodEnvironment.of(root.resolve("deploy/k8s"), OVERLAY, svc));
        }
        PodEnvironment notification = pods.get(Platform.NOTIFICATION);
        vonage = new VonageStub(0)
                .requireCredentials(
                        secret(notification, "MFA_VONAGE_API_KEY"), secret(notification, "MFA_VONAGE_API_SECRET"))
                .start();

        // The local services leave run.sh's ports and their Kafka consumer groups to the prod ones (in parallel:
        // each takes up to its shutdown timeout).
        Platform.SERVICES.parallelStream().filter(platform::running).forEach(platform::stop);
        for (String svc : Platform.SERVICES) {
            PodEnvironment pod = pods.get(svc);
            String db = database(pod) + "_prodboot";
            createDatabase(db, secret(pod, "MFA_DB_USERNAME"), secret(pod, "MFA_DB_PASSWORD"));
            Map<String, String> overrides = new LinkedHashMap<>();
            overrides.put("QUARKUS_DATASOURCE_REACTIVE_URL", PostgresDatabases.reactiveUrl("localhost", 55432, db));
            overrides.put("QUARKUS_DATASOURCE_JDBC_URL", PostgresDatabases.jdbcUrl("localhost", 55432, db));
            overrides.put("KAFKA_BOOTSTRAP_SERVERS", Platform.KAFKA_BOOTSTRAP);
            overrides.put("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT");
            Map<String, String> tunings = new LinkedHashMap<>();
            switch (svc) {
                case Platform.NOTIFICATION -> overrides.put("MFA_VONAGE_BASE_URI", vonage.baseUrl());
                case Platform.ENROLLMENT -> overrides.put("MFA_REAUTH_VERIFY_URL", identityProvider.url());
                case Platform.SCHEDULER -> tunings.put("MFA_SCHEDULER_INTERVAL", "1s");
                default -> {}
            }
            Path dir = work.resolve(svc);
            Files.createDirectories(dir);
            services.put(
                    svc,
                    ProdService.prepare(
                            root, svc, Platform.SERVICE_PORTS.get(svc), pod, secrets, overrides, tunings, dir));
        }
        issuer = services.get(Platform.ENROLLMENT).env.get("MFA_JWT_ISSUER");
        audience = services.get(Platform.ENROLLMENT).env.get("MFA_JWT_AUDIENCES");
        Instant t0 = Instant.now();
        services.get(Platform.ENROLLMENT)
                .jvmOptions(List.of(
                        "-Djavax.net.ssl.trustStore=" + idpStores[1],
                        "-Djavax.net.ssl.trustStoreType=PKCS12",
                        "-Djavax.net.ssl.trustStorePassword=" + secrets.storePassword()));
        services.values().forEach(s -> s.start(root));
        services.values().forEach(ProdService::awaitReady);
        System.out.println(Instant.now() + " prod boot: four services ready "
                + Duration.between(t0, Instant.now()).toMillis() + " ms after start ("
                + Duration.between(classStart, Instant.now()).toMillis()
                + " ms with setup)");
    }

    @AfterAll
    void stop() {
        // in parallel: each takes up to its shutdown timeout
        services.values().parallelStream().forEach(ProdService::close);
        if (vonage != null) {
            vonage.close();
        }
        if (identityProvider != null) {
            identityProvider.close();
        }
        if (classStart != null) {
            System.out.println(Instant.now() + " prod boot: the class took "
                    + Duration.between(classStart, Instant.now()).toMillis() + " ms");
        }
    }

    @Test
    @Order(1)
    @DisplayName("every variable the prod profile needs comes from the overlay, and every service is ready")
    void everyServiceBootsFromTheOverlay() {
        for (ProdService s : services.values()) {
            assertThat(s.env).as(s.name).containsEntry("QUARKUS_PROFILE", "prod");
            assertThat(s.missing).as(s.name + s.diagnosis()).isEmpty();
            Http.Reply ready = Http.get(s.base() + "/q/health/ready").send();
            assertThat(ready.status()).as(s.name + " ready").isEqualTo(200);
            assertThat(ready.text()).contains("\"UP\"");
        }
    }

    @Test
    @Order(2)
    @DisplayName("enrollment → identity provider (reauth), notification → Vonage (SMS), verification (sign-in)")
    void reauthSmsEnrollmentAndSignIn() throws Exception {
        String org = "pb-" + UUID.randomUUID().toString().substring(0, 8);
        String userId = "pb-user-" + UUID.randomUUID().toString().substring(0, 8);
        String password = "pw-" + UUID.randomUUID();
        Secrets.secret(password);
        identityProvider.user(userId, password);
        publishUser(userId, org);
        String token = token(userId, org, List.of("user"));
        awaitOnRoster(org, userId);

        // enrollment: the password check goes to the identity provider, whose answer decides
        String reauthUrl = Platform.ENROLLMENT_API + "/me/reauth";
        Http.Reply wrong =
                post(reauthUrl, token).json(Map.of("password", "not-it")).send();
        assertThat(wrong.status()).as("reauth with a wrong password").isEqualTo(401);
        Http.Reply reauth =
                post(reauthUrl, token).json(Map.of("password", password)).send();
        assertThat(reauth.status()).as("reauth with the password").isEqualTo(200);
        assertThat(identityProvider.checked()).containsExactly(userId, userId);
        String reauthToken = reauth.json().path("reauthToken").asText();
        assertThat(reauthToken).isNotBlank();

        // notification: the enrollment code reaches Vonage, sent with the Secret's credentials
        Phones.Phone phone = Phones.next("US");
        Http.Reply start = post(Platform.ENROLLMENT_API + "/me/mfa/sms", token)
                .header("X-Reauth-Token", reauthToken)
                .json(Map.of("countryCode", "US", "phoneNumber", phone.e164()))
                .send();
        assertThat(start.status()).as("start SMS enrollment: %s", start.text()).isEqualTo(201);
        String enrollmentCode = awaitSms(phone.e164(), 1);
        Http.Reply confirmed = post(
                        Platform.ENROLLMENT_API + "/me/mfa/enrollments/"
                                + start.json().path("enrollmentId").asText() + "/confirm",
                        token)
                .json(Map.of("code", enrollmentCode))
                .send();
        assertThat(confirmed.status()).as("confirm").isEqualTo(200);
        Secrets.recoveryCode(confirmed.json().path("recoveryCode").asText());

        // verification: a sign-in challenge by SMS; the assertion is signed with the generated assertion key
        AtomicReference<Http.Reply> challenge = new AtomicReference<>();
        Awaitility.await("a challenge offering SMS")
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    challenge.set(post(Platform.VERIFICATION_API + "/challenges", token)
                            .send());
                    return challenge.get().status() == 201
                            && challenge.get().json().path("methods").toString().contains("SMS");
                });
        String challengeId = challenge.get().json().path("challengeId").asText();
        Http.Reply sent = post(Platform.VERIFICATION_API + "/challenges/" + challengeId + "/sms", token)
                .send();
        assertThat(sent.status()).as("send sign-in SMS").isEqualTo(202);
        String signInCode = awaitSms(phone.e164(), 2);
        Http.Reply verified = post(Platform.VERIFICATION_API + "/challenges/" + challengeId + "/verify", token)
                .json(Map.of("method", "SMS", "code", signInCode))
                .send();
        assertThat(verified.status()).as("verify").isEqualTo(200);
        String assertion = verified.json().path("assertion").asText();
        JsonNode claims = verifyEs256(assertion, secrets.assertion().getPublic());
        assertThat(claims.path("sub").asText()).isEqualTo(userId);
    }

    @Test
    @Order(3)
    @DisplayName("deadline-scheduler fires a deadline; enrollment makes the org's users REQUIRED")
    void aDeadlineFires() {
        String org = "pb-dl-" + UUID.randomUUID().toString().substring(0, 8);
        String userId = "pb-dl-user-" + UUID.randomUUID().toString().substring(0, 8);
        publishUser(userId, org);
        awaitOnRoster(org, userId);
        String admin = token("admin-" + org, org, List.of("user", "org-admin"));
        String user = token(userId, org, List.of("user"));
        // In prod MFA is not available to an org until a platform operator grants it (issue 18's limited rollout).
        Map<String, Object> policy = Map.of(
                "enabled",
                true,
                "enforcementDeadline",
                Instant.now().plusSeconds(60).toString());
        Http.Reply refused = Http.put(Platform.ENROLLMENT_API + "/orgs/" + org + "/mfa-policy")
                .bearer(admin)
                .json(policy)
                .send();
        assertThat(refused.status())
                .as("policy before the grant: %s", refused.text())
                .isEqualTo(409);
        assertThat(refused.text()).contains("mfa-not-available");
        String operator = token("operator-" + org, "platform-operators", List.of("user", "platform-operator"));
        Http.Reply grant = Http.put(Platform.ENROLLMENT_API + "/orgs/" + org + "/mfa-availability")
                .bearer(operator)
                .json(Map.of("available", true))
                .send();
        assertThat(grant.status()).as("grant availability: %s", grant.text()).isEqualTo(200);

        Instant deadline = Instant.now().plusSeconds(4).truncatedTo(ChronoUnit.SECONDS);
        Http.Reply put = Http.put(Platform.ENROLLMENT_API + "/orgs/" + org + "/mfa-policy")
                .bearer(admin)
                .json(Map.of("enabled", true, "enforcementDeadline", deadline.toString()))
                .send();
        assertThat(put.status()).as("set policy: %s", put.text()).isEqualTo(200);

        String scheduler = services.get(Platform.SCHEDULER).base() + "/api/v1/deadlines/" + org;
        AtomicReference<JsonNode> view = new AtomicReference<>();
        Awaitility.await("the scheduler fires the deadline of " + org)
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    Http.Reply r = Http.get(scheduler).bearer(admin).send();
                    if (r.status() != 200) {
                        return false;
                    }
                    view.set(r.json());
                    for (JsonNode e : r.json().path("events")) {
                        if (e.path("type").asText().toLowerCase().contains("reached")
                                && "FIRED".equals(e.path("outcome").asText())) {
                            return true;
                        }
                    }
                    return false;
                });
        assertThat(Instant.parse(view.get().path("enforcementDeadline").asText()))
                .isEqualTo(deadline);
        Awaitility.await(userId + " REQUIRED")
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    Http.Reply r = Http.get(Platform.ENROLLMENT_API + "/me/mfa")
                            .bearer(user)
                            .send();
                    return r.status() == 200
                            && "REQUIRED".equals(r.json().path("requirement").asText());
                });
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** The generated value of the Secret key the overlay gives {@code variable}. */
    private String secret(PodEnvironment pod, String variable) {
        PodEnvironment.Value v = pod.variables().get(variable);
        assertThat(v).as("%s: %s from the overlay", pod.deployment(), variable).isNotNull();
        assertThat(v.fromSecret())
                .as("%s: %s comes from a Secret", pod.deployment(), variable)
                .isTrue();
        return secrets.value(v.secretKey());
    }

    private static String database(PodEnvironment pod) {
        String url = pod.variables().get("QUARKUS_DATASOURCE_JDBC_URL").literal();
        return url.replaceAll("\\?.*$", "").replaceAll("^.*/", "");
    }

    private static void createDatabase(String db, String user, String password) throws Exception {
        PostgresDatabases.requireValidName(db);
        if (!user.matches("[a-z0-9_]+") || !password.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalStateException("unexpected generated role name or password format");
        }
        try (Connection c = PostgresDatabases.connect("localhost", 55432, "postgres");
                Statement st = c.createStatement()) {
            st.execute("drop database if exists \"" + db + "\"");
            st.execute("create role \"" + user + "\" login password '" + password + "'");
            st.execute("create database \"" + db + "\" owner \"" + user + "\"");
        }
    }

    private void publishUser(String userId, String org) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Platform.KAFKA_BOOTSTRAP);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "prod-boot-identity");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            Events.UserUpserted data =
                    new Events.UserUpserted(userId, org, userId + "@" + org + ".test", null, List.of("user"));
            producer.send(new ProducerRecord<>(
                            Topics.IDENTITY_USERS,
                            userId,
                            CODEC.encode(CODEC.wrap("/prod-boot-test", data, Instant.now()))))
                    .get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish identity.user.upserted", e);
        }
    }

    private void awaitOnRoster(String org, String userId) {
        String admin = token("admin-" + org, org, List.of("user", "org-admin"));
        Awaitility.await(userId + " on the roster of " + org)
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    Http.Reply r = Http.get(Platform.ENROLLMENT_API + "/orgs/" + org + "/mfa-report")
                            .bearer(admin)
                            .send();
                    return r.status() == 200
                            && r.json().path("users").toString().contains("\"" + userId + "\"");
                });
    }

    private String awaitSms(String e164, int n) {
        String digits = e164.replace("+", "");
        List<StubMessage> got = new ArrayList<>();
        try {
            Awaitility.await("SMS #" + n + " at the Vonage stub")
                    .atMost(WAIT)
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> {
                        got.clear();
                        vonage.messages().stream()
                                .filter(m -> m.to().replace("+", "").equals(digits))
                                .forEach(got::add);
                        return got.size() >= n;
                    });
        } catch (ConditionTimeoutException e) {
            ProdService notification = services.get(Platform.NOTIFICATION);
            throw new AssertionError(
                    "SMS #" + n + " never reached the Vonage stub" + notification.diagnosis()
                            + "\n--- notification-service log (tail) ---\n" + notification.tail(15),
                    e);
        }
        Matcher m = CODE.matcher(got.get(n - 1).text());
        assertThat(m.find()).as("a 6-digit code in the SMS").isTrue();
        Secrets.code(m.group(1));
        return m.group(1);
    }

    private static Http.Request post(String url, String token) {
        return Http.post(url).bearer(token);
    }

    /** An RS256 access token of the overlay's issuer and audience, signed with the generated identity-provider key. */
    private String token(String userId, String org, List<String> groups) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("aud", audience);
        claims.put("sub", userId);
        claims.put("upn", userId);
        claims.put("org", org);
        claims.put("groups", groups);
        claims.put("iat", now);
        claims.put("exp", now + 3600);
        claims.put("jti", UUID.randomUUID().toString());
        return sign("RS256", "SHA256withRSA", claims, secrets.identityProvider().getPrivate());
    }

    private static String sign(String alg, String jca, Map<String, Object> claims, PrivateKey key) {
        try {
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String input = b64.encodeToString(JSON.writeValueAsBytes(Map.of("alg", alg, "typ", "JWT"))) + "."
                    + b64.encodeToString(JSON.writeValueAsBytes(claims));
            Signature s = Signature.getInstance(jca);
            s.initSign(key);
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64.encodeToString(s.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks an ES256 JWS (R||S signature) against the public key and answers its claims. */
    private static JsonNode verifyEs256(String jwt, PublicKey key) throws Exception {
        String[] parts = jwt.split("\\.");
        assertThat(parts).hasSize(3);
        assertThat(JSON.readTree(Base64.getUrlDecoder().decode(parts[0]))
                        .path("alg")
                        .asText())
                .isEqualTo("ES256");
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
        s.initVerify(key);
        s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(s.verify(Base64.getUrlDecoder().decode(parts[2])))
                .as("assertion signed with the generated key")
                .isTrue();
        return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
