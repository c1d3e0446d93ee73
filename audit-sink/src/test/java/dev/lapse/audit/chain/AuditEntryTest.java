package dev.lapse.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuditEntryTest {

    @Test
    void new_keepsPayloadInCanonicalForm() {
        AuditEntry spaced = withPayload("{ \"b\" : [1, 2],\n  \"a\" : \"x\" }");
        AuditEntry compact = withPayload("{\"a\":\"x\",\"b\":[1,2]}");

        assertThat(spaced.payloadJson()).isEqualTo("{\"a\":\"x\",\"b\":[1,2]}");
        assertThat(spaced).isEqualTo(compact);
    }

    @Test
    void new_allowsAnyJsonValueAsPayload() {
        assertThat(withPayload(" \"a string\" ").payloadJson()).isEqualTo("\"a string\"");
        assertThat(withPayload("null").payloadJson()).isEqualTo("null");
    }

    @Test
    void new_allowsWhatARecordMayLack() {
        AuditEntry entry = new AuditEntry("t", 0, 0, -1, null, List.of(), null, "E", null, null, "{}");

        assertThat(entry.key()).isNull();
        assertThat(entry.schemaId()).isNull();
        assertThat(entry.eventId()).isNull();
        assertThat(entry.requestId()).isNull();
        assertThat(entry.chainId()).isEqualTo(new ChainId("t", 0));
    }

    @Test
    void new_takesTheTimestampKafkaGives() {
        // Kafka's own producer refuses negative timestamps, but the broker stores what other clients send.
        assertThat(new AuditEntry("t", 0, 0, -5, null, List.of(), null, "E", null, null, "{}").timestampMs())
                .isEqualTo(-5);
    }

    @Test
    void new_copiesHeaders() {
        List<AuditHeader> headers = new ArrayList<>(List.of(new AuditHeader("h", null)));
        AuditEntry entry = new AuditEntry("t", 0, 0, 0, null, headers, null, "E", null, null, "{}");
        headers.clear();

        assertThat(entry.headers()).containsExactly(new AuditHeader("h", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "..", ".", "caf\u00e9", "x y"})
    void new_whenTopicIsNotAKafkaTopicName(String topic) {
        assertThatThrownBy(() -> new AuditEntry(topic, 0, 0, 0, null, List.of(), null, "E", null, null, "{}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topic must be a legal Kafka topic name");
    }

    @Test
    void new_whenPartitionIsNegative() {
        assertThatThrownBy(() -> new AuditEntry("t", -1, 0, 0, null, List.of(), null, "E", null, null, "{}"))
                .hasMessage("partition must not be negative: -1 of t");
    }

    @Test
    void new_whenOffsetIsNegative() {
        assertThatThrownBy(() -> new AuditEntry("t", 0, -1, 0, null, List.of(), null, "E", null, null, "{}"))
                .hasMessage("offset must not be negative: -1");
    }

    @Test
    void new_whenIdIsBlankRatherThanAbsent() {
        // Absent is null; a blank id would be a second spelling of absent, so requestIdOf never makes one.
        assertThatThrownBy(() -> new AuditEntry("t", 0, 0, 0, null, List.of(), null, "E", " ", null, "{}"))
                .hasMessage("eventId must not be blank");
        assertThatThrownBy(() -> new AuditEntry("t", 0, 0, 0, null, List.of(), null, "E", null, "", "{}"))
                .hasMessage("requestId must not be blank");
    }

    @Test
    void new_whenHeaderNameHasUnpairedSurrogate() {
        assertThatThrownBy(() -> new AuditHeader("h\ud800", null))
                .hasMessage("header name has an unpaired surrogate U+D800 at index 1");
    }

    @Test
    void new_whenPayloadIsNotJson() {
        assertThatThrownBy(() -> withPayload("{\"a\":"))
                .hasMessageStartingWith("payloadJson is not valid JSON: invalid JSON at index 5");
    }

    @Test
    void requestIdOf_prefersTheEventsOwnId() {
        assertThat(AuditEntry.requestIdOf("r1", TestEntries.text("key"))).isEqualTo("r1");
    }

    @Test
    void requestIdOf_whenEventIdIsBlank_fallsBackToTheKey() {
        assertThat(AuditEntry.requestIdOf("", TestEntries.text("r1"))).isEqualTo("r1");
        assertThat(AuditEntry.requestIdOf(null, TestEntries.text("r1"))).isEqualTo("r1");
    }

    @Test
    void requestIdOf_whenNeitherNamesOne() {
        // The record: an empty requestId under an empty key belongs to no request, and that is an answer.
        assertThat(AuditEntry.requestIdOf("", TestEntries.text(""))).isNull();
        assertThat(AuditEntry.requestIdOf(" ", null)).isNull();
        assertThat(AuditEntry.requestIdOf(null, RecordBytes.of(new byte[] {(byte) 0xff}))).isNull();
    }

    @Test
    void reasonPayload_keepsTheReasonAndTheBytes() {
        assertThat(AuditEntry.reasonPayload("bad \ud800", new byte[] {1, 2}))
                .isEqualTo("{\"reason\":\"bad \ufffd\",\"valueBase64\":\"AQI=\"}");
        assertThat(AuditEntry.reasonPayload("a tombstone", null))
                .isEqualTo("{\"reason\":\"a tombstone\",\"valueBase64\":null}");
    }

    private static AuditEntry withPayload(String payloadJson) {
        return new AuditEntry("t", 0, 0, 0, null, List.of(), null, "E", null, null, payloadJson);
    }
}
