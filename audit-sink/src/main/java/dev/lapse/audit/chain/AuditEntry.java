package dev.lapse.audit.chain;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One Kafka record as the audit log keeps it: its Kafka coordinates, the identity of the event it carries and the
 * event itself. {@link CanonicalJson#entry} gives the bytes that are hashed.
 *
 * @param topic        topic the record was read from
 * @param partition    partition the record was read from
 * @param offset       offset of the record in its partition
 * @param timestampMs  the record's timestamp, milliseconds since the epoch; -1 when it has none (Kafka's
 *                     {@code NO_TIMESTAMP})
 * @param key          the record's key; null for a record without one
 * @param eventType    name of the event's type, for example {@code AccessGranted}
 * @param eventId      the event's own id
 * @param requestId    id of the access request the event belongs to
 * @param occurredAtMs when the event happened according to the event, milliseconds since the epoch
 * @param payloadJson  the event as a JSON object; held in canonical form, so entries with the same content are equal
 *                     whatever the spacing and member order of the text they were made from
 */
public record AuditEntry(
        String topic,
        int partition,
        long offset,
        long timestampMs,
        @Nullable String key,
        String eventType,
        String eventId,
        String requestId,
        long occurredAtMs,
        String payloadJson) {

    public AuditEntry {
        new ChainId(topic, partition); // validates both, with the messages every chain uses
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        if (timestampMs < -1) {
            throw new IllegalArgumentException(
                    "timestampMs must be a Kafka timestamp (-1 for none, else not negative): " + timestampMs);
        }
        if (key != null) {
            CanonicalJson.requireWellFormed("key", key);
        }
        requireText("eventType", eventType);
        requireText("eventId", eventId);
        requireText("requestId", requestId);
        Objects.requireNonNull(payloadJson, "payloadJson");
        payloadJson = CanonicalJson.canonicalObject("payloadJson", payloadJson);
    }

    /** The chain this entry belongs to. */
    public ChainId chainId() {
        return new ChainId(topic, partition);
    }

    private static void requireText(String name, String value) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        CanonicalJson.requireWellFormed(name, value);
    }
}
