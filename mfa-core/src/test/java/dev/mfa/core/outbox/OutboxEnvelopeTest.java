package dev.mfa.core.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import dev.mfa.core.events.EventCodec;
import dev.mfa.core.events.Events;
import dev.mfa.core.events.Topics;
import dev.mfa.core.support.RepoFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Both ways the outbox writes an envelope (Java and SQL) give the catalogue's CloudEvents envelope. */
class OutboxEnvelopeTest {

    private static final Instant NOW = Instant.parse("2026-12-04T20:00:00.123Z");

    private final Outbox outbox =
            new Outbox(new EventCodec(), OutboxConfig.withSource("/test-service"), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void rowIsTheEnvelopeTheCatalogueDescribes() throws IOException {
        JsonNode schemaJson = envelopeSchema();
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(
                        schemaJson,
                        SchemaValidatorsConfig.builder()
                                .formatAssertionsEnabled(true)
                                .build());
        Outbox.Row row = outbox.row(Topics.DEADLINES, new Events.DeadlineReached("org-1", NOW), NOW);
        JsonNode payload = new ObjectMapper().readTree(row.payload());
        assertThat(schema.validate(payload)).isEmpty();
        assertThat(row.key())
                .isEqualTo("org-1")
                .isEqualTo(payload.path("subject").asText());
        assertThat(row.type()).isEqualTo("mfa.deadline.reached");
        assertThat(row.id().toString()).isEqualTo(payload.path("id").asText());
        assertThat(row.topic()).isEqualTo(Topics.DEADLINES);
    }

    @Test
    void sqlEnvelopeNamesExactlyTheCatalogueEnvelopeFields() throws IOException {
        String sql = Outbox.envelopeSql("source", "type", "time", "e.user_id", "json_build_object('k', e.k)");
        Set<String> keys = new TreeSet<>();
        // The envelope's own keys: every quoted name followed by a comma, outside the data expression.
        Matcher m = Pattern.compile("'([a-z]+)', ").matcher(sql.substring(0, sql.indexOf("json_build_object('k'")));
        while (m.find()) {
            keys.add(m.group(1));
        }
        Set<String> required = new TreeSet<>();
        envelopeSchema().path("required").forEach(r -> required.add(r.asText()));
        assertThat(keys).isEqualTo(required);
        assertThat(sql).contains(":source", ":type", ":time", "'subject', e.user_id", "'data', json_build_object");
    }

    private static JsonNode envelopeSchema() throws IOException {
        Path f = RepoFiles.find("docs/events/cloudevent.schema.json");
        return new ObjectMapper().readTree(Files.readString(f, StandardCharsets.UTF_8));
    }
}
