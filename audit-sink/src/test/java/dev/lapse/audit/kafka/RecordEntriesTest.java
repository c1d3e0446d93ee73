package dev.lapse.audit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.audit.chain.AuditEntry;
import dev.lapse.audit.chain.AuditHeader;
import dev.lapse.audit.chain.CanonicalJson;
import dev.lapse.audit.chain.RecordBytes;
import dev.lapse.event.AccessRequested;
import dev.lapse.schemas.Events;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.DeadLetterRouting;
import dev.lapse.schemas.serde.AvroSerializer;
import dev.lapse.schemas.serde.RegistryUnavailableException;
import dev.lapse.schemas.serde.SerdeConfig;
import dev.lapse.schemas.serde.SubjectNameStrategy;
import dev.lapse.schemas.serde.WireFormat;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecordEntriesTest {

    private static final String TOPIC = Topics.ACCESS_SUBMITTED.name();

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroSerializer serializer = new AvroSerializer(registry,
            new SerdeConfig(List.of("http://memory"), true, false, false, SubjectNameStrategy.TOPIC), false);
    private final RecordEntries entries = new RecordEntries(new WriterSchemaDecoder(registry));

    @Test
    void entry_ofAnEvent_keepsItAsWritten() {
        byte[] value = serializer.serialize(TOPIC, Events.accessRequested("r1"));
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
        headers.add("binary", new byte[] {(byte) 0xff, 0});
        headers.add("empty", null);

        AuditEntry entry = entries.entry(record(3, 17, "r1".getBytes(StandardCharsets.UTF_8), value, headers));

        assertThat(entry.topic()).isEqualTo(TOPIC);
        assertThat(entry.partition()).isEqualTo(3);
        assertThat(entry.offset()).isEqualTo(17);
        assertThat(entry.timestampMs()).isEqualTo(1_767_225_600_000L);
        assertThat(entry.key()).isEqualTo(new RecordBytes("r1", null));
        assertThat(entry.headers()).containsExactly(new AuditHeader("trace", new RecordBytes("t-1", null)),
                new AuditHeader("binary", new RecordBytes(null, "/wA=")), new AuditHeader("empty", null));
        assertThat(entry.schemaId()).isEqualTo(WireFormat.unframe(value).schemaId());
        assertThat(entry.eventType()).isEqualTo("AccessRequested");
        assertThat(entry.eventId()).isEqualTo("7f1c6a52-2c39-4d43-9b5e-0a4c1f6d8e21");
        assertThat(entry.requestId()).isEqualTo("r1");
        // Avro's JSON encoding under the writer's schema: the timestamp as the long written, the union wrapped
        assertThat(entry.payloadJson()).isEqualTo("{\"breakGlass\":false,"
                + "\"causedBy\":{\"id\":\"alice@example.com\",\"kind\":\"USER\"},"
                + "\"eventId\":\"7f1c6a52-2c39-4d43-9b5e-0a4c1f6d8e21\",\"extendsRequestId\":null,"
                + "\"occurredAt\":1795424400000,"
                + "\"reason\":\"Ticket INC-1234: customer cannot log in\",\"requestId\":\"r1\","
                + "\"requestedDurationMs\":30000,\"requester\":{\"groups\":[\"support\"],\"id\":\"alice@example.com\"},"
                + "\"resource\":{\"kind\":\"postgres\",\"name\":\"crm.public.customers\"},"
                + "\"scope\":{\"actions\":[\"SELECT\"],\"columns\":[\"id\",\"email\"],"
                + "\"rowFilter\":{\"string\":\"region = 'EU'\"}},\"sourceSystem\":\"helpdesk\","
                + "\"ticket\":{\"string\":\"INC-1234\"}}");
    }

    @Test
    void entry_ofTheIssuesRecord_emptyRequestIdUnderAnEmptyKey() {
        // Issue 14 item 3: this record stalled its partition for good, because its entry could not be made.
        byte[] value = serializer.serialize(TOPIC, Events.accessRequested(""));

        AuditEntry entry = entries.entry(record(3, 0, new byte[0], value, new RecordHeaders()));

        assertThat(entry.eventType()).isEqualTo("AccessRequested");
        assertThat(entry.key()).isEqualTo(new RecordBytes("", null));
        assertThat(entry.requestId()).isNull();
        assertThat(entry.payloadJson()).contains("\"requestId\":\"\"");
    }

    @Test
    void entry_whenKeyIsNull() {
        AuditEntry entry = entries.entry(record(0, 0, null, serializer.serialize(TOPIC, Events.accessRequested("r1")),
                new RecordHeaders()));

        assertThat(entry.key()).isNull();
        assertThat(entry.requestId()).isEqualTo("r1");
    }

    @Test
    void entry_whenEventIdIsBlank_andKeyIsNotUtf8() {
        AccessRequested event = Events.accessRequested(" ");
        event.setEventId("");

        AuditEntry entry = entries.entry(record(0, 0, new byte[] {(byte) 0xc0}, serializer.serialize(TOPIC, event),
                new RecordHeaders()));

        assertThat(entry.eventId()).isNull();
        assertThat(entry.requestId()).isNull();
        assertThat(entry.key()).isEqualTo(new RecordBytes(null, "wA=="));
    }

    @Test
    void entry_ofATombstone() {
        AuditEntry entry = entries.entry(record(0, 4, key("r1"), null, new RecordHeaders()));

        assertUnreadable(entry, null, "a tombstone: the record has no value", null);
        assertThat(entry.requestId()).isEqualTo("r1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not avro", "\u0000\u0000"})
    void entry_whenNotTheWireFormat(String bytes) {
        byte[] value = bytes.getBytes(StandardCharsets.UTF_8);

        AuditEntry entry = entries.entry(record(0, 0, key("r1"), value, new RecordHeaders()));

        assertThat(entry.eventType()).isEqualTo(AuditEntry.UNREADABLE);
        assertThat(entry.schemaId()).isNull();
        assertThat(reason(entry)).containsAnyOf("magic byte", "shorter than the 5-byte Confluent prefix");
        assertThat(valueBase64(entry)).isEqualTo(Base64.getEncoder().encodeToString(value));
    }

    @Test
    void entry_whenTheSchemaIdIsUnknown() {
        byte[] value = WireFormat.frame(999, new byte[] {2, 'a'});

        AuditEntry entry = entries.entry(record(0, 0, key("r1"), value, new RecordHeaders()));

        assertUnreadable(entry, 999, "schema id 999 cannot be used: GET /schemas/ids/999 failed with HTTP 404 "
                + "(error_code 40403): Schema not found", value);
    }

    @Test
    void entry_whenTheBodyDoesNotMatchItsSchema() {
        byte[] whole = serializer.serialize(TOPIC, Events.accessRequested("r1"));
        byte[] truncated = Arrays.copyOf(whole, whole.length - 3);
        byte[] trailing = Arrays.copyOf(whole, whole.length + 1);
        int schemaId = WireFormat.unframe(whole).schemaId();

        AuditEntry cut = entries.entry(record(0, 0, key("r1"), truncated, new RecordHeaders()));
        AuditEntry extra = entries.entry(record(0, 1, key("r1"), trailing, new RecordHeaders()));

        assertThat(cut.eventType()).isEqualTo(AuditEntry.UNREADABLE);
        assertThat(cut.schemaId()).isEqualTo(schemaId);
        assertThat(reason(cut)).startsWith("the Avro body does not match schema " + schemaId + ": ");
        assertUnreadable(extra, schemaId, "the Avro body does not match schema " + schemaId
                + ": bytes are left after the value", trailing);
    }

    @Test
    void entry_whenAStringInTheBodyIsNotUtf8() {
        Schema schema = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"S\",\"fields\":["
                + "{\"name\":\"requestId\",\"type\":\"string\"}]}");
        int id = registry.register("s", schema);
        byte[] value = WireFormat.frame(id, new byte[] {8, 'r', '1', (byte) 0xed, (byte) 0xa0});

        AuditEntry entry = entries.entry(record(0, 0, key("r1"), value, new RecordHeaders()));

        assertUnreadable(entry, id, "the Avro body does not match its schema: requestId is a string whose bytes are "
                + "not UTF-8", value);
    }

    @Test
    void entry_whenAValueIsAFloatOrDouble() {
        Schema schema = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Quote\",\"fields\":["
                + "{\"name\":\"requestId\",\"type\":\"string\"},{\"name\":\"price\",\"type\":\"double\"},"
                + "{\"name\":\"ratio\",\"type\":\"float\"}]}");
        GenericRecord quote = new GenericData.Record(schema);
        quote.put("requestId", "r1");
        quote.put("price", 0.1);
        quote.put("ratio", 1.0f);
        byte[] value = serializer.serialize(TOPIC, quote);

        AuditEntry entry = entries.entry(record(0, 0, key("r1"), value, new RecordHeaders()));

        assertThat(entry.eventType()).isEqualTo(AuditEntry.UNREPRESENTABLE);
        assertThat(entry.schemaId()).isEqualTo(WireFormat.unframe(value).schemaId());
        assertThat(entry.requestId()).isEqualTo("r1");
        assertThat(reason(entry)).isEqualTo("price is a double (0.1): the audit's canonical JSON holds integers only");
        assertThat(valueBase64(entry)).isEqualTo(Base64.getEncoder().encodeToString(value));
    }

    @Test
    void entry_ofANewerWriterSchema_keepsTheFieldsThisBuildDoesNotKnow() {
        Schema v2 = v2(AccessRequested.getClassSchema());
        GenericRecord event = new GenericData.Record(v2);
        AccessRequested v1 = Events.accessRequested("r2");
        for (Schema.Field field : AccessRequested.getClassSchema().getFields()) {
            event.put(field.name(), v1.get(field.pos()));
        }
        event.put("occurredAt", 1L);
        event.put("approverHint", "bob");

        AuditEntry entry = entries.entry(record(0, 0, key("r2"), serializer.serialize(TOPIC, event),
                new RecordHeaders()));

        assertThat(entry.eventType()).isEqualTo("AccessRequested");
        assertThat(entry.payloadJson()).contains("\"approverHint\":\"bob\"");
    }

    @Test
    void entry_ofANonRecordValue_isTheValueItself() {
        int id = registry.register("s", Schema.create(Schema.Type.STRING));
        byte[] value = WireFormat.frame(id, new byte[] {4, 'h', 'i'}); // length 2, zigzag-encoded

        AuditEntry entry = entries.entry(record(0, 0, key("r1"), value, new RecordHeaders()));

        assertThat(entry.eventType()).isEqualTo("string");
        assertThat(entry.payloadJson()).isEqualTo("\"hi\"");
        assertThat(entry.eventId()).isNull();
        assertThat(entry.requestId()).isEqualTo("r1");
    }

    @Test
    void entry_keepsTheDeadLetterReason() {
        byte[] value = "not avro".getBytes(StandardCharsets.UTF_8);
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetterRouting.REASON_HEADER, "unknown magic byte 0x6e".getBytes(StandardCharsets.UTF_8));

        AuditEntry entry = entries.entry(record(0, 0, key("r1"), value, headers));

        assertThat(entry.headers()).containsExactly(new AuditHeader(DeadLetterRouting.REASON_HEADER,
                new RecordBytes("unknown magic byte 0x6e", null)));
    }

    @Test
    void entry_whenAHeaderNameWasMadeInProcessWithAnUnpairedSurrogate() {
        // Kafka decodes names from UTF-8, so only an in-process record can hold this; it still gets an entry.
        RecordHeaders headers = new RecordHeaders(List.of(new RecordHeader("h\ud800", new byte[] {1})));

        AuditEntry entry = entries.entry(record(0, 0, key("r1"), serializer.serialize(TOPIC,
                Events.accessRequested("r1")), headers));

        assertThat(entry.headers()).containsExactly(new AuditHeader("h?", new RecordBytes("\u0001", null)));
    }

    @Test
    void entry_whenTheRegistryIsDown_waitsRatherThanRecordingIt() {
        byte[] value = serializer.serialize(TOPIC, Events.accessRequested("r1"));
        registry.down(true);
        RecordEntries cold = new RecordEntries(new WriterSchemaDecoder(registry));

        assertThatThrownBy(() -> cold.entry(record(0, 0, key("r1"), value, new RecordHeaders())))
                .isInstanceOf(RegistryUnavailableException.class);

        registry.down(false);
        assertThat(cold.entry(record(0, 0, key("r1"), value, new RecordHeaders())).eventType())
                .isEqualTo("AccessRequested");
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403, 429})
    void entry_whenTheRegistryRefusesForReasonsOfItsOwn_waits(int status) {
        byte[] value = serializer.serialize(TOPIC, Events.accessRequested("r1"));
        registry.answerWith(status);
        RecordEntries cold = new RecordEntries(new WriterSchemaDecoder(registry));

        assertThatThrownBy(() -> cold.entry(record(0, 0, key("r1"), value, new RecordHeaders())))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("HTTP " + status);
    }

    @Test
    void entry_looksEachWriterSchemaUpOnce() {
        byte[] value = serializer.serialize(TOPIC, Events.accessRequested("r1"));
        RecordEntries cold = new RecordEntries(new WriterSchemaDecoder(registry));

        for (int offset = 0; offset < 3; offset++) {
            cold.entry(record(0, offset, key("r1"), value, new RecordHeaders()));
        }

        assertThat(registry.lookups()).isEqualTo(1);
    }

    /** AccessRequested with one more field, with a default: a BACKWARD-compatible change. */
    static Schema v2(Schema v1) {
        String json = v1.toString();
        String added = "{\"name\":\"approverHint\",\"type\":\"string\",\"default\":\"\"}";
        return new Schema.Parser().parse(json.substring(0, json.lastIndexOf(']')) + "," + added
                + json.substring(json.lastIndexOf(']')));
    }

    private static void assertUnreadable(AuditEntry entry, @Nullable Integer schemaId, String reason,
            byte @Nullable [] value) {
        assertThat(entry.eventType()).isEqualTo(AuditEntry.UNREADABLE);
        assertThat(entry.schemaId()).isEqualTo(schemaId);
        assertThat(entry.eventId()).isNull();
        assertThat(reason(entry)).isEqualTo(reason);
        assertThat(valueBase64(entry)).isEqualTo(value == null ? null : Base64.getEncoder().encodeToString(value));
    }

    private static String reason(AuditEntry entry) {
        return (String) ((Map<?, ?>) CanonicalJson.parse(entry.payloadJson())).get("reason");
    }

    private static @Nullable Object valueBase64(AuditEntry entry) {
        return ((Map<?, ?>) CanonicalJson.parse(entry.payloadJson())).get("valueBase64");
    }

    private static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private static ConsumerRecord<byte[], byte[]> record(int partition, long offset, byte @Nullable [] key,
            byte @Nullable [] value, RecordHeaders headers) {
        return new ConsumerRecord<>(TOPIC, partition, offset, 1_767_225_600_000L, TimestampType.CREATE_TIME,
                key == null ? -1 : key.length, value == null ? -1 : value.length, key, value, headers,
                Optional.empty());
    }
}
