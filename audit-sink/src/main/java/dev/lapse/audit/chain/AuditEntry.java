package dev.lapse.audit.chain;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One Kafka record as the audit log keeps it: where it was written (topic, partition, offset, timestamp), what was
 * written (key, headers, the writer schema's id and the value decoded with that schema), and an index of what it is
 * (event type, event id, request id) for queries. {@link CanonicalJson#entry} gives the bytes that are hashed.
 *
 * <p>A record whose value cannot be decoded is an {@link #UNREADABLE} entry, and one that decodes to something
 * canonical JSON cannot hold (a float or double) an {@link #UNREPRESENTABLE} entry; both carry {@link #reasonPayload}:
 * why, and the value's bytes in Base64. The audit never stops on a record: every record gets an entry.
 *
 * @param topic       topic the record was read from
 * @param partition   partition the record was read from
 * @param offset      offset of the record in its partition
 * @param timestampMs the record's timestamp as Kafka gives it, milliseconds since the epoch; -1 when it has none
 * @param key         the record's key; null for a record without one
 * @param headers     every header of the record, in its order
 * @param schemaId    id of the writer's schema from the value's Confluent wire-format prefix; null when the value
 *                    has no such prefix (a tombstone, malformed bytes)
 * @param eventType   the writer schema's name (for example {@code AccessGranted}), or {@link #UNREADABLE} or
 *                    {@link #UNREPRESENTABLE}
 * @param eventId     the event's own {@code eventId}; null when it has none
 * @param requestId   the access request the record belongs to ({@link #requestIdOf}); null when it names none
 * @param payloadJson the value as Avro's JSON encoding under the writer's schema, or the reason payload of an
 *                    unreadable or unrepresentable entry; held in canonical form, so entries with the same content are
 *                    equal whatever the spacing and member order of the text they were made from
 */
public record AuditEntry(
        String topic,
        int partition,
        long offset,
        long timestampMs,
        @Nullable RecordBytes key,
        List<AuditHeader> headers,
        @Nullable Integer schemaId,
        String eventType,
        @Nullable String eventId,
        @Nullable String requestId,
        String payloadJson) {

    /** Event type of a record whose value cannot be decoded: not the wire format, unknown schema, broken body. */
    public static final String UNREADABLE = "Unreadable";
    /** Event type of a record that decodes, but to a value canonical JSON cannot hold (a float or a double). */
    public static final String UNREPRESENTABLE = "Unrepresentable";

    public AuditEntry {
        new ChainId(topic, partition); // validates both, with the messages every chain uses
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        headers = List.copyOf(headers);
        requireText("eventType", eventType);
        if (eventId != null) {
            requireText("eventId", eventId);
        }
        if (requestId != null) {
            requireText("requestId", requestId);
        }
        Objects.requireNonNull(payloadJson, "payloadJson");
        payloadJson = CanonicalJson.canonicalValue("payloadJson", payloadJson);
    }

    /** The chain this entry belongs to. */
    public ChainId chainId() {
        return new ChainId(topic, partition);
    }

    /** True for an {@link #UNREADABLE} or {@link #UNREPRESENTABLE} entry, one that records why instead of an event. */
    public boolean isReasoned() {
        return eventType.equals(UNREADABLE) || eventType.equals(UNREPRESENTABLE);
    }

    /**
     * The request a record belongs to: the event's own request id when it has a non-blank one, else the key's text
     * when that is non-blank (every lifecycle record is keyed by its request id), else none.
     */
    public static @Nullable String requestIdOf(@Nullable String eventRequestId, @Nullable RecordBytes key) {
        if (eventRequestId != null && !eventRequestId.isBlank()) {
            return CanonicalJson.wellFormed(eventRequestId);
        }
        String text = key == null ? null : key.utf8();
        return text == null || text.isBlank() ? null : text;
    }

    /**
     * The payload of an unreadable or unrepresentable entry, {@code {"reason":...,"valueBase64":...}}: why, and the
     * value's bytes (null for a tombstone), so the record is kept whole even when it cannot be understood.
     */
    public static String reasonPayload(String reason, byte @Nullable [] value) {
        Map<String, @Nullable Object> payload = new LinkedHashMap<>();
        payload.put("reason", CanonicalJson.wellFormed(reason));
        payload.put("valueBase64", value == null ? null : Base64.getEncoder().encodeToString(value));
        return CanonicalJson.write(payload);
    }

    private static void requireText(String name, String value) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        CanonicalJson.requireWellFormed(name, value);
    }
}
