package dev.mfa.core.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 finding 7: processed event ids are kept longer than any topic keeps its records, so a redelivery or a
 * replay from the earliest offset is always recognised (a 14-day table under 30-day topics revived spent codes).
 */
class DedupeRetentionTest {

    private static final Path TOPICS = Path.of("..", "deploy", "k8s", "base", "kafka", "topics.yaml");

    @Test
    void dedupeRetentionOutlivesEveryTopicRetention() throws IOException {
        Matcher m = Pattern.compile("retention\\.ms:\\s*\"?(-?\\d+)\"?").matcher(Files.readString(TOPICS));
        long longestTopicMillis = 0;
        int topics = 0;
        while (m.find()) {
            long ms = Long.parseLong(m.group(1));
            assertThat(ms)
                    .as("a topic that keeps records forever cannot be deduplicated by a table")
                    .isPositive();
            longestTopicMillis = Math.max(longestTopicMillis, ms);
            topics++;
        }
        assertThat(topics).isGreaterThan(8);
        assertThat(defaultRetention())
                .isGreaterThan(Duration.ofMillis(longestTopicMillis).plusDays(7));
    }

    /** The default of {@code mfa.inbox.retention}, as the constructor declares it. */
    private static Duration defaultRetention() {
        for (Constructor<?> c : ProcessedEvents.class.getConstructors()) {
            for (Parameter p : c.getParameters()) {
                ConfigProperty property = p.getAnnotation(ConfigProperty.class);
                if (property != null && property.name().equals("mfa.inbox.retention")) {
                    return Duration.parse(property.defaultValue());
                }
            }
        }
        throw new AssertionError("no mfa.inbox.retention parameter");
    }
}
