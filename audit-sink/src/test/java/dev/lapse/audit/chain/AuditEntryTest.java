package dev.lapse.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void new_allowsMissingKeyAndTimestamp() {
        AuditEntry entry = new AuditEntry("t", 0, 0, -1, null, "E", "e", "r", -86_400_000L, "{}");

        assertThat(entry.key()).isNull();
        assertThat(entry.chainId()).isEqualTo(new ChainId("t", 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "..", ".", "caf\u00e9", "x y"})
    void new_whenTopicIsNotAKafkaTopicName(String topic) {
        assertThatThrownBy(() -> new AuditEntry(topic, 0, 0, 0, "k", "E", "e", "r", 0, "{}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topic must be a legal Kafka topic name");
    }

    @Test
    void new_whenPartitionIsNegative() {
        assertThatThrownBy(() -> new AuditEntry("t", -1, 0, 0, "k", "E", "e", "r", 0, "{}"))
                .hasMessage("partition must not be negative: -1 of t");
    }

    @Test
    void new_whenOffsetIsNegative() {
        assertThatThrownBy(() -> new AuditEntry("t", 0, -1, 0, "k", "E", "e", "r", 0, "{}"))
                .hasMessage("offset must not be negative: -1");
    }

    @Test
    void new_whenTimestampIsBelowNone() {
        assertThatThrownBy(() -> new AuditEntry("t", 0, 0, -2, "k", "E", "e", "r", 0, "{}"))
                .hasMessageContaining("timestampMs must be a Kafka timestamp");
    }

    @Test
    void new_whenEventIdIsBlank() {
        assertThatThrownBy(() -> new AuditEntry("t", 0, 0, 0, "k", "E", " ", "r", 0, "{}"))
                .hasMessage("eventId must not be blank");
    }

    @Test
    void new_whenKeyHasUnpairedSurrogate() {
        assertThatThrownBy(() -> new AuditEntry("t", 0, 0, 0, "k\ud800", "E", "e", "r", 0, "{}"))
                .hasMessage("key has an unpaired surrogate U+D800 at index 1");
    }

    @Test
    void new_whenPayloadIsNotAnObject() {
        assertThatThrownBy(() -> withPayload("[1]")).hasMessage("payloadJson must be a JSON object, found: [1]");
        assertThatThrownBy(() -> withPayload("{\"a\":"))
                .hasMessageStartingWith("payloadJson is not valid JSON: invalid JSON at index 5");
    }

    private static AuditEntry withPayload(String payloadJson) {
        return new AuditEntry("t", 0, 0, 0, "k", "E", "e", "r", 0, payloadJson);
    }
}
