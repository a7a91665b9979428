package dev.mfa.localstack.testing;

import dev.mfa.localstack.LocalStackTopics;
import dev.mfa.localstack.TopicCreator;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Kafka broker (KRaft, one combined broker+controller node, {@link KafkaClusterTestKit}) for a service's
 * tests: one per JVM, started on first use on free ports, with every contract topic and its {@code .dlq} created
 * up front; stopped by a shutdown hook.
 *
 * <pre>
 * &#64;QuarkusTestResource(KafkaTestResource.class)
 * ...
 * KafkaCompanion companion = new KafkaCompanion(KafkaTestResource.bootstrapServers());
 * </pre>
 * {@link #start()} returns {@code kafka.bootstrap.servers} (and turns Kafka dev services off).
 * Init args (optional): {@value #PARTITIONS} (partitions of the topics created up front, default 1; only the first
 * start in a JVM creates them) and {@value #TOPICS} (comma-separated extra topics to create).
 * Topics not created up front are auto-created on first use.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String PARTITIONS = "partitions";
    public static final String TOPICS = "topics";
    public static final int DEFAULT_PARTITIONS = 1;

    /** System property holding this JVM's bootstrap servers (set once started; may be preset to reuse a broker). */
    public static final String BOOTSTRAP_PROPERTY = "mfa.localstack.kafka.bootstrap";

    // A string literal is interned JVM-wide: the same monitor in every class loader.
    private static final Object LOCK = "dev.mfa.localstack.testing.KafkaTestResource#LOCK";

    /** Broker-side log categories turned down to WARNING (set {@value #QUIET_PROPERTY}=false to keep them). */
    static final List<String> BROKER_LOG_CATEGORIES = List.of(
            "kafka",
            "state.change.logger",
            "org.apache.kafka.server",
            "org.apache.kafka.controller",
            "org.apache.kafka.raft",
            "org.apache.kafka.metadata",
            "org.apache.kafka.image",
            "org.apache.kafka.storage",
            "org.apache.kafka.coordinator",
            "org.apache.kafka.queue",
            "org.apache.kafka.snapshot",
            "org.apache.kafka.common.test",
            "org.apache.kafka.security");

    public static final String QUIET_PROPERTY = "mfa.localstack.kafka.quiet";
    // Strong references: java.util.logging keeps loggers weakly, and a collected logger loses its level.
    private static final List<java.util.logging.Logger> QUIETED = new ArrayList<>();

    private int partitions = DEFAULT_PARTITIONS;
    private final List<String> extraTopics = new ArrayList<>();

    @Override
    public void init(Map<String, String> initArgs) {
        if (initArgs == null) {
            return;
        }
        String p = initArgs.get(PARTITIONS);
        if (p != null && !p.isBlank()) {
            partitions = Integer.parseInt(p.trim());
        }
        String t = initArgs.get(TOPICS);
        if (t != null) {
            Arrays.stream(t.split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .forEach(extraTopics::add);
        }
    }

    @Override
    public Map<String, String> start() {
        String bootstrap = bootstrapServers(partitions);
        if (!extraTopics.isEmpty()) {
            createTopics(extraTopics);
        }
        return Map.of("kafka.bootstrap.servers", bootstrap, "quarkus.kafka.devservices.enabled", "false");
    }

    /** The broker lives as long as the JVM: nothing to do per test application. */
    @Override
    public void stop() {}

    // ---------------------------------------------------------------- static accessors for tests

    /** Bootstrap servers ({@code localhost:PORT}) of this JVM's broker, starting it if needed. */
    public static String bootstrapServers() {
        return bootstrapServers(DEFAULT_PARTITIONS);
    }

    /** Creates topics (1 partition) that do not exist yet. */
    public static void createTopics(Collection<String> topics) {
        try {
            TopicCreator.createTopics(bootstrapServers(), topics, 1, (short) 1, Duration.ofSeconds(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    private static String bootstrapServers(int partitions) {
        synchronized (LOCK) {
            String existing = System.getProperty(BOOTSTRAP_PROPERTY);
            if (existing != null && reachable(existing)) {
                return existing;
            }
            String bootstrap = startBroker(partitions);
            System.setProperty(BOOTSTRAP_PROPERTY, bootstrap);
            return bootstrap;
        }
    }

    // ---------------------------------------------------------------- broker

    private static String startBroker(int partitions) {
        Path baseDir = null;
        KafkaClusterTestKit cluster = null;
        try {
            quietBrokerLogs();
            baseDir = Files.createTempDirectory("mfa-test-kafka-");
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(baseDir)
                    .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(true);
            brokerConfig().forEach(builder::setConfigProp);
            cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            String bootstrap = cluster.bootstrapServers();
            KafkaClusterTestKit started = cluster;
            Path dir = baseDir;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stopBroker(started, dir), "mfa-test-kafka-stop"));
            TopicCreator.createTopics(bootstrap, LocalStackTopics.all(), partitions, (short) 1, Duration.ofSeconds(60));
            return bootstrap;
        } catch (Exception e) {
            if (cluster != null) {
                stopBroker(cluster, baseDir);
            }
            throw new IllegalStateException("cannot start the Kafka test broker: " + e.getMessage(), e);
        }
    }

    /**
     * The in-process broker logs through the test's logging (JBoss LogManager in a Quarkus test) at INFO: turn its
     * categories down to WARNING. Services can do the same with {@code quarkus.log.category."kafka".level=WARN}.
     */
    private static void quietBrokerLogs() {
        if ("false".equalsIgnoreCase(System.getProperty(QUIET_PROPERTY))) {
            return;
        }
        for (String category : BROKER_LOG_CATEGORIES) {
            java.util.logging.Logger logger = java.util.logging.Logger.getLogger(category);
            logger.setLevel(java.util.logging.Level.WARNING);
            QUIETED.add(logger);
        }
    }

    /** Single-node settings: every internal topic with one replica, few partitions, no rebalance delay. */
    static Map<String, Object> brokerConfig() {
        return Map.ofEntries(
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "3"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "3"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.num.partitions", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("num.partitions", "1"),
                Map.entry("default.replication.factor", "1"),
                Map.entry("min.insync.replicas", "1"),
                Map.entry("auto.create.topics.enable", "true"),
                Map.entry("num.network.threads", "2"),
                Map.entry("num.io.threads", "2"),
                Map.entry("background.threads", "2"));
    }

    private static void stopBroker(KafkaClusterTestKit cluster, Path baseDir) {
        // Closing can block on a stuck client; bound it so that the JVM exits.
        Thread closer = new Thread(
                () -> {
                    try {
                        cluster.close();
                    } catch (Throwable ignored) {
                        // best effort: the JVM is going away
                    }
                },
                "mfa-test-kafka-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(20_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (baseDir != null) {
            try (Stream<Path> files = Files.walk(baseDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException | RuntimeException ignored) {
                // best effort
            }
        }
    }

    private static boolean reachable(String bootstrap) {
        String first = bootstrap.split(",")[0].trim();
        int colon = first.lastIndexOf(':');
        try (Socket s = new Socket()) {
            s.connect(
                    new InetSocketAddress(first.substring(0, colon), Integer.parseInt(first.substring(colon + 1))),
                    1000);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
