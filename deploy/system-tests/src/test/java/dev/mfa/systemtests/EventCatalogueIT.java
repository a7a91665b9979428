package dev.mfa.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.mfa.core.events.Topics;
import dev.mfa.systemtests.support.EventLog;
import dev.mfa.systemtests.support.SystemTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other test: each event the platform produced on each topic, read back from the broker, is checked
 * against the event catalogue (docs/asyncapi.yaml, docs/events/*.schema.json) — the CloudEvents envelope, the
 * {@code data} of its type (producers are strict: no field the catalogue lacks), the topic the catalogue puts the
 * type on, and the record key. A type the catalogue lacks is an error. A per-type count is written to
 * {@code target/system-tests/event-catalogue.txt}.
 */
@SystemTest
@Order(11)
@DisplayName("Event catalogue")
class EventCatalogueIT {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final SchemaValidatorsConfig CONFIG =
            SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @DisplayName("every event on every topic matches its type's schema in the catalogue, on its catalogued topic")
    void everyEventMatchesTheCatalogue() throws IOException {
        Path docs = Path.of(System.getProperty("mfa.repo.root", "../..")).resolve("docs");
        JsonNode asyncapi = new ObjectMapper(new YAMLFactory())
                .readTree(docs.resolve("asyncapi.yaml").toFile());
        JsonSchema envelope = schema(docs.resolve("events/cloudevent.schema.json"));
        Map<String, JsonSchema> data = new HashMap<>();
        Map<String, String> keyOf = new HashMap<>();
        Map<String, Set<String>> typesOn = new HashMap<>();
        for (JsonNode channel : asyncapi.path("channels")) {
            Set<String> types = new TreeSet<>();
            for (JsonNode ref : channel.path("messages")) {
                JsonNode message = asyncapi.at(ref.path("$ref").asText().substring(1));
                String type = message.path("name").asText();
                types.add(type);
                keyOf.put(type, message.path("x-key").asText());
                data.put(type, schema(docs.resolve("events/" + type + ".schema.json")));
            }
            typesOn.put(channel.path("address").asText(), types);
        }
        assertThat(typesOn.keySet()).containsAll(Topics.ALL);

        List<String> problems = new ArrayList<>();
        Map<String, Integer> seen = new TreeMap<>();
        for (String topic : EventLog.allTopics()) {
            if (topic.endsWith(".dlq")) {
                continue; // TopicsIT requires them empty
            }
            for (EventLog.Event e : EventLog.topic(topic).events()) {
                if (e.json() == null) {
                    problems.add(e + ": not JSON");
                    continue;
                }
                String type = e.type();
                seen.merge(type, 1, Integer::sum);
                errors(envelope, e.json()).forEach(m -> problems.add(e + ": envelope " + m));
                JsonSchema schema = data.get(type);
                if (schema == null) {
                    problems.add(e + ": type not in the catalogue");
                    continue;
                }
                if (!typesOn.getOrDefault(topic, Set.of()).contains(type)) {
                    problems.add(e + ": the catalogue does not put this type on " + topic);
                }
                errors(schema, e.data()).forEach(m -> problems.add(e + ": data " + m));
                String key = e.dataText(keyOf.get(type) + "Id");
                if (key == null || !key.equals(e.key())) {
                    problems.add(e + ": record key is not the " + keyOf.get(type) + " id");
                }
            }
        }
        writeCoverage(seen, data.keySet());
        assertThat(seen).as("events read back").isNotEmpty();
        assertThat(problems).as("events checked: " + seen).isEmpty();
    }

    private static JsonSchema schema(Path file) throws IOException {
        return FACTORY.getSchema(JSON.readTree(Files.readString(file, StandardCharsets.UTF_8)), CONFIG);
    }

    /** The keyword failures only: messages name the field and the rule, never the value. */
    private static List<String> errors(JsonSchema schema, JsonNode node) {
        return schema.validate(node).stream()
                .map(ValidationMessage::getMessage)
                .sorted()
                .toList();
    }

    private static void writeCoverage(Map<String, Integer> seen, Set<String> catalogued) throws IOException {
        String dir = System.getProperty("mfa.system-tests.output");
        if (dir == null) {
            return;
        }
        StringBuilder out = new StringBuilder("# events per type seen by the system tests (0: catalogued, not seen)\n");
        Set<String> all = new TreeSet<>(catalogued);
        all.addAll(seen.keySet());
        for (String type : all) {
            out.append(type).append(' ').append(seen.getOrDefault(type, 0)).append('\n');
        }
        Files.createDirectories(Path.of(dir));
        Files.writeString(Path.of(dir, "event-catalogue.txt"), out, StandardCharsets.UTF_8);
    }
}
