package dev.mfa.systemtests.support;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.password.PasswordHashes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

/**
 * Plays the identity provider for users the tests add: their password hash goes into the local password file that
 * enrollment-service's file verifier re-reads ({@code deploy/local/.run/password-hashes.json}, the seed loader's
 * format), and an {@code identity.user.upserted} event goes to {@code identity.users}, as the seed loader does.
 */
public final class Users {

    /**
     * PBKDF2 iterations of the test users' password hashes: cheap, as in the services' module tests (the format and
     * the verifier are the same; the production cost of 210,000, which the seed users keep, is covered by
     * enrollment-service's FilePasswordVerifierTest). The soak measures throughput, so it pays the production cost.
     */
    private static final int PASSWORD_ITERATIONS = Boolean.getBoolean("soak") ? PasswordHashes.ITERATIONS : 1_000;

    public static final String SOURCE = "/system-tests";

    private static final Map<String, String> HASHES = new ConcurrentHashMap<>();
    private static final EventCodec CODEC = new EventCodec();
    private static KafkaProducer<String, String> producer;

    private Users() {}

    /** A seed user of {@code deploy/local/seed.json} (already known to the platform). */
    public static TestUser seed(String userId, String orgId, String password, String pay, String... groups) {
        Secrets.secret(password);
        return new TestUser(
                userId,
                orgId,
                userId + "@" + orgId + ".test",
                password,
                pay,
                groups.length == 0 ? List.of("user") : List.of(groups));
    }

    /** A fresh organisation id (each test story gets its own, so that policies do not interfere). */
    public static String newOrg(String purpose) {
        return "st-" + purpose + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static TestUser create(String orgId, String name) {
        return create(orgId, name, 1, null).get(0);
    }

    public static TestUser createPayee(String orgId, String name) {
        return create(orgId, name, 1, "payee").get(0);
    }

    /** {@code count} users of the org, known to enrollment-service (on the org's roster) when this returns. */
    public static List<TestUser> create(String orgId, String name, int count, String pay) {
        List<TestUser> users = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String userId = name + "-" + UUID.randomUUID().toString().substring(0, 8);
            String password = "pw-" + UUID.randomUUID();
            Secrets.secret(password);
            users.add(new TestUser(userId, orgId, userId + "@" + orgId + ".test", password, pay, List.of("user")));
        }
        Map<String, String> hashes = new ConcurrentHashMap<>();
        users.parallelStream()
                .forEach(u ->
                        hashes.put(u.userId(), PasswordHashes.hash(u.password().toCharArray(), PASSWORD_ITERATIONS)));
        HASHES.putAll(hashes);
        writeHashes(Platform.get().passwordFile());
        publish(users);
        awaitOnRoster(orgId, users);
        return users;
    }

    /**
     * The org's admin ({@code "admin-" + orgId}, the user {@link TestUser#adminToken} names), with a password in the
     * password file so that they can re-authenticate and enroll a factor of their own. Not on the org's roster: the
     * org's reports and requirement events stay those of the test users.
     */
    static TestUser admin(String orgId) {
        String userId = "admin-" + orgId;
        String password = "pw-" + UUID.randomUUID();
        Secrets.secret(password);
        TestUser admin = new TestUser(
                userId, orgId, userId + "@" + orgId + ".test", password, null, List.of("user", "org-admin"));
        HASHES.put(userId, PasswordHashes.hash(password.toCharArray()));
        writeHashes(Platform.get().passwordFile());
        return admin;
    }

    /** run.sh rewrites the password file with the seed users on every start: add the test users again. */
    static synchronized void afterStackStart(Platform platform) {
        if (!HASHES.isEmpty()) {
            writeHashes(platform.passwordFile());
        }
    }

    private static synchronized void writeHashes(Path file) {
        try {
            Map<String, String> all = new LinkedHashMap<>();
            if (Files.isRegularFile(file)) {
                all.putAll(Http.JSON.readValue(file.toFile(), new TypeReference<Map<String, String>>() {}));
            }
            all.putAll(HASHES);
            Path tmp = Files.createTempFile(file.getParent(), ".password-hashes", ".tmp");
            Http.JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), all);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Platform.KAFKA_BOOTSTRAP);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.CLIENT_ID_CONFIG, "system-tests-identity");
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
            producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        }
        return producer;
    }

    private static void publish(List<TestUser> users) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        Instant now = Instant.now();
        for (TestUser u : users) {
            Events.UserUpserted data = new Events.UserUpserted(u.userId(), u.orgId(), u.email(), u.pay(), u.groups());
            sent.add(producer()
                    .send(new ProducerRecord<>(
                            Topics.IDENTITY_USERS, u.userId(), CODEC.encode(CODEC.wrap(SOURCE, data, now)))));
        }
        try {
            for (Future<RecordMetadata> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish identity.user.upserted", e);
        }
    }

    private static void awaitOnRoster(String orgId, List<TestUser> users) {
        Set<String> wanted = new HashSet<>();
        users.forEach(u -> wanted.add(u.userId()));
        String admin = TestUser.adminToken(orgId);
        Awaitility.await("new users on the roster of " + orgId)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    Set<String> seen = new HashSet<>();
                    for (int page = 0; ; page++) {
                        Http.Reply r = Http.get(Platform.ENROLLMENT_API + "/orgs/" + orgId
                                        + "/mfa-report?size=500&page=" + page)
                                .bearer(admin)
                                .send();
                        if (r.status() != 200) {
                            return false;
                        }
                        JsonNode list = r.json().path("users");
                        list.forEach(n -> seen.add(n.path("userId").asText()));
                        if (list.size() < 500) {
                            break;
                        }
                    }
                    return seen.containsAll(wanted);
                });
    }
}
