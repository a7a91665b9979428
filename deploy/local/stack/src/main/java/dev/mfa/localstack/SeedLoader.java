package dev.mfa.localstack;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mfa.core.events.CloudEvent;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.Events.UserUpserted;
import dev.mfa.core.events.Topics;
import dev.mfa.core.password.PasswordHashes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the identity provider for local runs: reads {@code deploy/local/seed.json} (CONTRACT §6), publishes one
 * {@code identity.user.upserted} CloudEvent per user to {@code identity.users} (key = user id, acks=all), and writes
 * the users' password hashes to {@code deploy/local/.run/password-hashes.json} for enrollment-service's local
 * password verifier.
 *
 * <p><b>LOCAL ONLY:</b> the seed file's passwords are in clear on purpose so that a newcomer can sign in at once;
 * they are memorable development passwords and must never be used anywhere but on a developer's machine.
 *
 * <pre>java -cp STACK_CLASSPATH dev.mfa.localstack.SeedLoader [--seed deploy/local/seed.json]
 *      [--bootstrap localhost:9092] [--hashes deploy/local/.run/password-hashes.json] [--no-publish] [--no-hashes]</pre>
 */
public final class SeedLoader {

    public static final String SOURCE = "/seed-loader";

    private SeedLoader() {}

    /** {@code {"orgs":[{"orgId","name","users":[...]}]}}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Seed(List<Org> orgs) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Org(String orgId, String name, List<User> users) {}

    /** {@code password} is a LOCAL-ONLY development password. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record User(String userId, String email, String password, List<String> groups, String pay) {}

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        Path seedFile = Path.of(args.get("seed", "MFA_LOCAL_SEED", "deploy/local/seed.json"));
        String bootstrap = args.get("bootstrap", "KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
        Path hashesFile =
                Path.of(args.get("hashes", "MFA_LOCAL_PASSWORD_HASHES", "deploy/local/.run/password-hashes.json"));

        Seed seed = read(seedFile);
        if (!args.flag("no-hashes")) {
            Map<String, String> hashes = passwordHashes(seed, PasswordHashes.ITERATIONS);
            writeJson(hashesFile, hashes);
            System.out.printf("SeedLoader: wrote %d password hashes to %s%n", hashes.size(), hashesFile);
        }
        if (!args.flag("no-publish")) {
            int sent = publish(seed, bootstrap);
            System.out.printf(
                    "SeedLoader: published %d %s events to %s on %s%n",
                    sent, "identity.user.upserted", Topics.IDENTITY_USERS, bootstrap);
        }
        System.out.println("READY seed");
    }

    /** Reads and validates a seed file. */
    public static Seed read(Path seedFile) throws IOException {
        Seed seed = new ObjectMapper().readValue(seedFile.toFile(), Seed.class);
        if (seed.orgs() == null || seed.orgs().isEmpty()) {
            throw new IllegalArgumentException(seedFile + ": no orgs");
        }
        Set<String> ids = new HashSet<>();
        for (Org org : seed.orgs()) {
            if (org.orgId() == null || org.orgId().isBlank() || org.users() == null) {
                throw new IllegalArgumentException(seedFile + ": every org needs an orgId and users");
            }
            for (User u : org.users()) {
                if (u.userId() == null
                        || u.userId().isBlank()
                        || u.password() == null
                        || u.password().isEmpty()) {
                    throw new IllegalArgumentException(
                            seedFile + ": user without userId or password in org " + org.orgId());
                }
                if (!ids.add(u.userId())) {
                    throw new IllegalArgumentException(seedFile + ": duplicate userId " + u.userId());
                }
                if (u.pay() != null && !u.pay().equals("payee") && !u.pay().equals("user")) {
                    throw new IllegalArgumentException(
                            seedFile + ": pay of " + u.userId() + " must be payee, user or null");
                }
            }
        }
        return seed;
    }

    /** userId → {@code pbkdf2-sha256$...} hash of the user's seed password (seed order; hashed in parallel). */
    public static Map<String, String> passwordHashes(Seed seed, int iterations) {
        List<User> users = seed.orgs().stream().flatMap(o -> o.users().stream()).toList();
        List<String> hashed = users.parallelStream()
                .map(u -> PasswordHashes.hash(u.password().toCharArray(), iterations))
                .toList();
        Map<String, String> hashes = new LinkedHashMap<>();
        for (int i = 0; i < users.size(); i++) {
            hashes.put(users.get(i).userId(), hashed.get(i));
        }
        return hashes;
    }

    /** The {@code identity.user.upserted} event of a seed user (structured-mode CloudEvent, source {@value #SOURCE}). */
    public static CloudEvent upserted(EventCodec codec, Org org, User u, Instant now) {
        List<String> groups = u.groups() == null || u.groups().isEmpty() ? List.of("user") : u.groups();
        return codec.wrap(SOURCE, new UserUpserted(u.userId(), org.orgId(), u.email(), u.pay(), groups), now);
    }

    /** Publishes one upserted event per user (acks=all, idempotent producer); returns how many were acknowledged. */
    public static int publish(Seed seed, String bootstrap) throws Exception {
        EventCodec codec = new EventCodec();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "seed-loader");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        Instant now = Instant.now();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (Org org : seed.orgs()) {
                for (User u : org.users()) {
                    CloudEvent event = upserted(codec, org, u, now);
                    sent.add(producer.send(
                            new ProducerRecord<>(Topics.IDENTITY_USERS, u.userId(), codec.encode(event))));
                }
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        return sent.size();
    }

    static void writeJson(Path file, Object value) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".password-hashes", ".tmp");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), value);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
