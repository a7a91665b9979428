package dev.mfa.localstack;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates every contract topic and its {@code .dlq} on a broker, idempotently (existing topics are left alone).
 *
 * <pre>java -cp STACK_CLASSPATH dev.mfa.localstack.TopicCreator [--bootstrap localhost:9092] [--partitions 3]
 *      [--replication 1] [--extra a,b] [--timeout 60]</pre>
 * Environment instead of options: {@code KAFKA_BOOTSTRAP_SERVERS}, {@code MFA_LOCAL_TOPIC_PARTITIONS}.
 */
public final class TopicCreator {

    private TopicCreator() {}

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        String bootstrap = args.get("bootstrap", "KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
        int partitions = args.getInt("partitions", "MFA_LOCAL_TOPIC_PARTITIONS", 3);
        short replication = (short) args.getInt("replication", null, 1);
        Duration timeout = Duration.ofSeconds(args.getInt("timeout", null, 60));
        Set<String> topics = new LinkedHashSet<>(LocalStackTopics.all());
        String extra = args.get("extra", null, "");
        for (String t : extra.split(",")) {
            if (!t.isBlank()) {
                topics.add(t.trim());
            }
        }
        List<String> created = createTopics(bootstrap, topics, partitions, replication, timeout);
        System.out.printf(
                "TopicCreator: %d topics on %s (%d created now: %s)%n",
                topics.size(), bootstrap, created.size(), created);
        System.out.println("READY topics");
    }

    /**
     * Creates the topics that do not exist yet; waits (up to {@code timeout}) for the broker to answer.
     *
     * @return the topics created by this call
     */
    public static List<String> createTopics(
            String bootstrap, Collection<String> topics, int partitions, short replication, Duration timeout)
            throws InterruptedException {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        Instant deadline = Instant.now().plus(timeout);
        Exception last = null;
        try (Admin admin = Admin.create(props)) {
            while (Instant.now().isBefore(deadline)) {
                try {
                    return createMissing(admin, topics, partitions, replication);
                } catch (ExecutionException | org.apache.kafka.common.errors.TimeoutException e) {
                    last = e;
                    Thread.sleep(500);
                }
            }
        }
        throw new IllegalStateException(
                "Kafka at " + bootstrap + " did not accept topic creation within " + timeout, last);
    }

    /** Creates the missing topics with an existing admin client. */
    public static List<String> createMissing(Admin admin, Collection<String> topics, int partitions, short replication)
            throws ExecutionException, InterruptedException {
        Set<String> existing = admin.listTopics().names().get();
        List<NewTopic> missing = new ArrayList<>();
        for (String topic : topics) {
            if (!existing.contains(topic)) {
                missing.add(new NewTopic(topic, partitions, replication));
            }
        }
        List<String> created = new ArrayList<>();
        if (missing.isEmpty()) {
            return created;
        }
        Map<String, org.apache.kafka.common.KafkaFuture<Void>> results =
                admin.createTopics(missing).values();
        for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> r : results.entrySet()) {
            try {
                r.getValue().get();
                created.add(r.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        return created;
    }
}
