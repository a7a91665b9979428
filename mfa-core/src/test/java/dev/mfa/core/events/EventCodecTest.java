package dev.mfa.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private final EventCodec codec = new EventCodec();
    private static final Instant NOW = Instant.parse("2026-12-01T10:15:30Z");

    @Test
    void wrapsTypedDataInAStructuredCloudEvent() {
        var data = new Events.UserRequirementChanged("u1", "acme", "REQUIRED", "OPTIONAL", "deadline-reached");
        CloudEvent event = codec.wrap("/enrollment-service", data, NOW);

        assertThat(event.specversion()).isEqualTo("1.0");
        assertThat(event.type()).isEqualTo(EventTypes.USER_REQUIREMENT_CHANGED);
        assertThat(event.subject()).isEqualTo("u1");
        assertThat(event.datacontenttype()).isEqualTo("application/json");

        String json = codec.encode(event);
        assertThat(json)
                .contains("\"time\":\"2026-12-01T10:15:30Z\"")
                .doesNotContain("eventType")
                .doesNotContain("partitionKey");
        CloudEvent back = codec.decode(json);
        assertThat(back.id()).isEqualTo(event.id());
        assertThat(codec.data(back, Events.UserRequirementChanged.class)).isEqualTo(data);
    }

    @Test
    void toleratesUnknownFieldsInEnvelopeAndData() {
        UUID id = UUID.randomUUID();
        String json =
                "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/x\",\"type\":\"mfa.deadline.reached\","
                        + "\"subject\":\"acme\",\"time\":\"2026-12-01T10:15:30Z\",\"datacontenttype\":\"application/json\","
                        + "\"traceparent\":\"00-abc\",\"data\":{\"orgId\":\"acme\",\"enforcementDeadline\":\"2026-12-31T00:00:00Z\","
                        + "\"futureField\":42}}";
        CloudEvent event = codec.decode(json);
        assertThat(event.id()).isEqualTo(id);
        assertThat(codec.data(event, Events.DeadlineReached.class))
                .isEqualTo(new Events.DeadlineReached("acme", Instant.parse("2026-12-31T00:00:00Z")));
    }

    @Test
    void everyEventRecordToleratesUnknownFieldsEvenWithAStrictMapper() throws Exception {
        // A consumer may read data with its own mapper; the records themselves must not fail on a field added later.
        ObjectMapper strict = new ObjectMapper().findAndRegisterModules();
        assertThat(strict.isEnabled(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES))
                .isTrue();
        Events.DeadlineReached read = strict.readValue(
                "{\"orgId\":\"acme\",\"enforcementDeadline\":\"2026-12-31T00:00:00Z\",\"futureField\":42}",
                Events.DeadlineReached.class);
        assertThat(read.orgId()).isEqualTo("acme");
        assertThat(strict.readValue("{\"userId\":\"u1\",\"orgId\":\"acme\",\"later\":true}", Events.UserRemoved.class))
                .isEqualTo(new Events.UserRemoved("u1", "acme"));
    }

    @Test
    void rejectsNonEventsWithoutEchoingThem() {
        assertThatThrownBy(() -> codec.decode("not json with secret 123456"))
                .isInstanceOf(EventCodec.EventFormatException.class)
                .hasMessageNotContaining("123456");
        assertThatThrownBy(() -> codec.decode("")).isInstanceOf(EventCodec.EventFormatException.class);
        assertThatThrownBy(() -> codec.decode("{\"specversion\":\"0.3\",\"id\":\"" + UUID.randomUUID()
                        + "\",\"source\":\"/x\",\"type\":\"t\"}"))
                .isInstanceOf(EventCodec.EventFormatException.class)
                .hasMessageContaining("specversion");
        assertThatThrownBy(() -> codec.decode("{\"specversion\":\"1.0\",\"source\":\"/x\",\"type\":\"t\"}"))
                .isInstanceOf(EventCodec.EventFormatException.class);
    }

    @Test
    void wrongDataShapeIsAFormatError() {
        CloudEvent event = codec.decode("{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID()
                + "\",\"source\":\"/x\",\"type\":\"mfa.deadline.approaching\",\"data\":{\"daysLeft\":\"many\"}}");
        assertThatThrownBy(() -> codec.data(event, Events.DeadlineApproaching.class))
                .isInstanceOf(EventCodec.EventFormatException.class);
    }

    @Test
    void everyContractTypeHasATypedRecordThatRoundTrips() throws Exception {
        Set<String> types = new HashSet<>();
        for (Class<?> nested : Events.class.getDeclaredClasses()) {
            RecordComponent[] components = nested.getRecordComponents();
            Object[] args =
                    Arrays.stream(components).map(c -> sample(c.getType())).toArray();
            var ctor = nested.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class[]::new));
            EventData data = (EventData) ctor.newInstance(args);
            types.add(data.eventType());
            CloudEvent back = codec.decode(codec.encode(codec.wrap("/test", data, NOW)));
            assertThat(codec.data(back, nested)).as(nested.getSimpleName()).isEqualTo(data);
            assertThat(back.subject()).isEqualTo(data.partitionKey());
        }
        assertThat(types)
                .containsExactlyInAnyOrder(
                        EventTypes.USER_UPSERTED,
                        EventTypes.USER_REMOVED,
                        EventTypes.FACTOR_ENROLLED,
                        EventTypes.FACTOR_REMOVED,
                        EventTypes.RECOVERY_CODE_ISSUED,
                        EventTypes.RECOVERY_CODE_REVOKED,
                        EventTypes.ORG_POLICY_CHANGED,
                        EventTypes.DEADLINE_APPROACHING,
                        EventTypes.DEADLINE_REACHED,
                        EventTypes.USER_REQUIREMENT_CHANGED,
                        EventTypes.SMS_REQUESTED,
                        EventTypes.SMS_SENT,
                        EventTypes.SMS_DELIVERED,
                        EventTypes.SMS_FAILED,
                        EventTypes.VERIFICATION_SUCCEEDED,
                        EventTypes.VERIFICATION_FAILED,
                        EventTypes.USER_LOCKED,
                        EventTypes.RECOVERY_CODE_USED,
                        EventTypes.EMAIL_REQUESTED,
                        EventTypes.EMAIL_SENT,
                        EventTypes.EMAIL_FAILED);
    }

    @Test
    void topicsHaveDeadLetterTwins() {
        assertThat(Topics.ALL).hasSize(10).doesNotHaveDuplicates();
        assertThat(Topics.dlq(Topics.FACTORS)).isEqualTo("mfa.factors.dlq");
    }

    private static Object sample(Class<?> type) {
        if (type == String.class) {
            return "s-" + UUID.randomUUID();
        }
        if (type == UUID.class) {
            return UUID.randomUUID();
        }
        if (type == Instant.class) {
            return NOW;
        }
        if (type == Long.class || type == long.class) {
            return 7L;
        }
        if (type == int.class || type == Integer.class) {
            return 3;
        }
        if (type == boolean.class) {
            return true;
        }
        if (type == java.util.Map.class) {
            return java.util.Map.of("deadline", "2026-12-18", "method", "TOTP");
        }
        if (type == List.class) {
            return List.of("a", "b");
        }
        throw new IllegalArgumentException("no sample for " + type);
    }
}
