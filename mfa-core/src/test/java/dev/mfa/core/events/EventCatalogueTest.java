package dev.mfa.core.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.mfa.core.support.RepoFiles;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The event catalogue (docs/asyncapi.yaml and docs/events) against the code and the contract: every type constant
 * and topic is catalogued, every schema is valid JSON Schema 2020-12, every typed record writes exactly the fields
 * its schema allows, and the contract's §5 table and the catalogue name the same topics, types and services.
 * The system tests (EventCatalogueIT) check every real event against the same schemas.
 */
class EventCatalogueTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final SchemaValidatorsConfig CONFIG =
            SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    private static final String ENVELOPE = "cloudevent";

    private static Path docs;
    private static JsonNode asyncapi;
    /** Event type → its data schema (as JSON), from docs/events/&lt;type&gt;.schema.json. */
    private static final Map<String, JsonNode> SCHEMAS = new TreeMap<>();

    @BeforeAll
    static void load() throws IOException {
        docs = docsDir();
        asyncapi = new ObjectMapper(new YAMLFactory())
                .readTree(docs.resolve("asyncapi.yaml").toFile());
        try (Stream<Path> files = Files.list(docs.resolve("events"))) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".schema.json")).toList()) {
                String name = f.getFileName().toString().replace(".schema.json", "");
                SCHEMAS.put(name, JSON.readTree(Files.readString(f, StandardCharsets.UTF_8)));
            }
        }
    }

    @Test
    void everySchemaIsValidJsonSchema2020_12() {
        JsonSchema meta = FACTORY.getSchema(SchemaLocation.of(SchemaId.V202012), CONFIG);
        assertThat(SCHEMAS).containsKey(ENVELOPE);
        SCHEMAS.forEach((name, schema) -> {
            assertThat(schema.path("$schema").asText()).as(name).isEqualTo(SchemaId.V202012);
            assertThat(meta.validate(schema))
                    .as(name + " against the 2020-12 meta-schema")
                    .isEmpty();
            if (!name.equals(ENVELOPE)) {
                // Strict for producers: a field the catalogue does not name is an error, not a surprise.
                assertThat(schema.path("additionalProperties").asBoolean(true))
                        .as(name)
                        .isFalse();
                assertThat(schema.path("type").asText()).as(name).isEqualTo("object");
            }
        });
    }

    @Test
    void everyTypeConstantAndTopicIsCatalogued() throws IllegalAccessException {
        Set<String> constants = constants(EventTypes.class);
        Map<String, JsonNode> messages = messagesByType();
        assertThat(constants).isNotEmpty();
        assertThat(messages.keySet()).containsAll(constants);
        assertThat(SCHEMAS.keySet()).containsAll(constants);
        Set<String> withoutEnvelope = new TreeSet<>(SCHEMAS.keySet());
        withoutEnvelope.remove(ENVELOPE);
        assertThat(messages.keySet())
                .as("every message has a schema and every schema a message")
                .isEqualTo(withoutEnvelope);
        messages.forEach((type, message) -> assertThat(
                        message.at("/payload/allOf/1/properties/data/$ref").asText())
                .as(type)
                .isEqualTo("./events/" + type + ".schema.json"));
        assertThat(channelsByTopic().keySet()).containsExactlyInAnyOrderElementsOf(Topics.ALL);
    }

    @Test
    void everyTypedRecordWritesExactlyItsSchemaFields() {
        Map<String, JsonNode> messages = messagesByType();
        for (Class<?> nested : Events.class.getDeclaredClasses()) {
            if (!nested.isRecord() || !EventData.class.isAssignableFrom(nested)) {
                continue;
            }
            String type = typeOf(nested);
            JsonNode schema = SCHEMAS.get(type);
            assertThat(schema).as("schema of " + type).isNotNull();
            Set<String> components = new TreeSet<>(Arrays.stream(nested.getRecordComponents())
                    .map(RecordComponent::getName)
                    .toList());
            Set<String> properties = new TreeSet<>();
            schema.path("properties").fieldNames().forEachRemaining(properties::add);
            assertThat(components).as(type + " record vs schema properties").isEqualTo(properties);
            Set<String> required = new TreeSet<>();
            schema.path("required").forEach(r -> required.add(r.asText()));
            assertThat(components).as(type).containsAll(required);
            String key = messages.get(type).path("x-key").asText();
            assertThat(key).as(type).isIn("user", "org");
            assertThat(components).as(type + " carries its key").contains(key + "Id");
        }
    }

    @Test
    void catalogueAndContractNameTheSameTopicsTypesAndServices() throws IOException {
        Map<String, Set<String>> contract = contractTable();
        assertThat(contract.keySet()).containsExactlyInAnyOrderElementsOf(Topics.ALL);
        Map<String, JsonNode> channels = channelsByTopic();
        for (Map.Entry<String, Set<String>> row : contract.entrySet()) {
            JsonNode channel = channels.get(row.getKey());
            assertThat(channel).as(row.getKey()).isNotNull();
            Set<String> types = new TreeSet<>();
            channel.path("messages")
                    .forEach(m -> types.add(
                            message(m.path("$ref").asText()).path("name").asText()));
            assertThat(types).as(row.getKey()).isEqualTo(row.getValue());
        }
        for (Map.Entry<String, String[]> row : contractServices().entrySet()) {
            JsonNode channel = channels.get(row.getKey());
            assertThat(names(channel.path("x-producers")))
                    .as(row.getKey() + " producers")
                    .containsAll(services(row.getValue()[0]));
            assertThat(names(channel.path("x-consumers")))
                    .as(row.getKey() + " consumers")
                    .containsAll(services(row.getValue()[1]));
        }
    }

    @Test
    void schemasRejectUnknownFieldsAndClearTextSecrets() {
        JsonSchema schema = FACTORY.getSchema(SCHEMAS.get(EventTypes.FACTOR_ENROLLED), CONFIG);
        ObjectNode data = new EventCodec()
                .mapper()
                .valueToTree(new Events.FactorEnrolled(
                        UUID.randomUUID(),
                        "u1",
                        "o1",
                        "SMS",
                        "Phone ending in 42",
                        null,
                        "v1:k1:AAAA",
                        "+** *** **42",
                        "DE",
                        null,
                        Instant.EPOCH,
                        null,
                        null,
                        null));
        assertThat(schema.validate(data)).isEmpty();
        assertThat(schema.validate(data.deepCopy().put("extra", 1))).isNotEmpty();
        assertThat(schema.validate(data.deepCopy().put("phone", "+4915112345642")))
                .isNotEmpty();
        assertThat(schema.validate(data.deepCopy().put("enrolledAt", "yesterday")))
                .isNotEmpty();
        assertThat(schema.validate(data.deepCopy().put("totpSecret", "v1:k1:AAAA")))
                .as("an SMS factor carries no TOTP secret")
                .isNotEmpty();
        List<ValidationMessage> missing =
                new ArrayList<>(schema.validate(data.deepCopy().without("userId")));
        assertThat(missing).hasSize(1);
    }

    private static String typeOf(Class<?> recordClass) {
        try {
            RecordComponent[] comps = recordClass.getRecordComponents();
            Object[] args = new Object[comps.length];
            for (int i = 0; i < comps.length; i++) {
                Class<?> t = comps[i].getType();
                if (t == boolean.class) {
                    args[i] = false;
                } else if (t == int.class) {
                    args[i] = 0;
                } else if (t == long.class) {
                    args[i] = 0L;
                }
            }
            var ctor = recordClass.getDeclaredConstructor(
                    Arrays.stream(comps).map(RecordComponent::getType).toArray(Class[]::new));
            return ((EventData) ctor.newInstance(args)).eventType();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(recordClass.getName(), e);
        }
    }

    private static Set<String> constants(Class<?> holder) throws IllegalAccessException {
        Set<String> values = new TreeSet<>();
        for (Field f : holder.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                values.add((String) f.get(null));
            }
        }
        return values;
    }

    private static Map<String, JsonNode> messagesByType() {
        Map<String, JsonNode> byType = new TreeMap<>();
        asyncapi.path("components")
                .path("messages")
                .forEach(m -> byType.put(m.path("name").asText(), m));
        return byType;
    }

    private static Map<String, JsonNode> channelsByTopic() {
        Map<String, JsonNode> byTopic = new HashMap<>();
        asyncapi.path("channels").forEach(c -> byTopic.put(c.path("address").asText(), c));
        return byTopic;
    }

    private static JsonNode message(String ref) {
        assertThat(ref).startsWith("#/components/messages/");
        return asyncapi.at(ref.substring(1));
    }

    private static Set<String> names(JsonNode array) {
        Set<String> names = new TreeSet<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }

    /** The platform's services named in a contract cell ("enrollment, verification"); other parties are free text. */
    private static Set<String> services(String cell) {
        Set<String> found = new TreeSet<>();
        for (String s : List.of("enrollment", "verification", "notification", "scheduler")) {
            if (cell.contains(s)) {
                found.add(s.equals("scheduler") ? "deadline-scheduler" : s + "-service");
            }
        }
        return found;
    }

    private static final Pattern ROW = Pattern.compile("^\\| `([a-z.-]+)` \\| ([^|]+) \\| (.+) \\|$");
    private static final Pattern TYPE = Pattern.compile("`([a-z]+(?:\\.[a-z-]+){2,})`");

    /** Topic → types, from the rows of CONTRACT §5's table. */
    private static Map<String, Set<String>> contractTable() throws IOException {
        Map<String, Set<String>> table = new TreeMap<>();
        for (String line : section5()) {
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                Set<String> types = new TreeSet<>();
                Matcher t = TYPE.matcher(row.group(3));
                while (t.find()) {
                    types.add(t.group(1));
                }
                table.put(row.group(1), types);
            }
        }
        return table;
    }

    /** Topic → {producers, consumers} cells of CONTRACT §5's table. */
    private static Map<String, String[]> contractServices() throws IOException {
        Map<String, String[]> table = new TreeMap<>();
        for (String line : section5()) {
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                table.put(row.group(1), row.group(2).split("→", 2));
            }
        }
        return table;
    }

    private static List<String> section5() throws IOException {
        List<String> lines = Files.readAllLines(docs.resolve("contract.md"), StandardCharsets.UTF_8);
        int start = lines.indexOf(
                lines.stream().filter(l -> l.startsWith("## 5.")).findFirst().orElseThrow());
        List<String> section = new ArrayList<>();
        for (String l : lines.subList(start + 1, lines.size())) {
            if (l.startsWith("## ")) {
                break;
            }
            section.add(l);
        }
        return section;
    }

    /** The repository's docs directory, found upwards from the module (surefire runs in the module directory). */
    private static Path docsDir() {
        return RepoFiles.rootHolding("docs/asyncapi.yaml").resolve("docs");
    }
}
