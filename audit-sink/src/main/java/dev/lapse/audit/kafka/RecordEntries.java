package dev.lapse.audit.kafka;

import dev.lapse.audit.chain.AuditEntry;
import dev.lapse.audit.chain.AuditHeader;
import dev.lapse.audit.chain.RecordBytes;
import dev.lapse.schemas.serde.RegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

/**
 * Makes the audit entry of a consumed record, as it was written: coordinates, key, every header, the writer schema's
 * id and the value decoded with that schema. Total over content: a record whose value cannot be decoded or
 * represented gets an entry that says why (see {@link AuditEntry#UNREADABLE}), so no record can stop the audit.
 * Only {@link RegistryUnavailableException} escapes: the registry cannot answer now, and the caller must wait, because
 * an entry made during an outage would differ from the one a replay makes.
 */
final class RecordEntries {

    private final WriterSchemaDecoder decoder;

    RecordEntries(WriterSchemaDecoder decoder) {
        this.decoder = decoder;
    }

    /** The entry of a record; never fails on what the record holds. */
    AuditEntry entry(ConsumerRecord<byte[], byte[]> record) {
        RecordBytes key = record.key() == null ? null : RecordBytes.of(record.key());
        List<AuditHeader> headers = headers(record);
        byte[] value = record.value();
        if (value == null) {
            return reasoned(record, key, headers, AuditEntry.UNREADABLE, null, "a tombstone: the record has no value");
        }
        Integer schemaId = null;
        try {
            WriterSchemaDecoder.Decoded decoded = decoder.decode(value);
            schemaId = decoded.schemaId();
            String payload = AvroJson.json(decoded.writer(), decoded.datum());
            return new AuditEntry(record.topic(), record.partition(), record.offset(), record.timestamp(), key,
                    headers, schemaId, decoded.writer().getName(), eventText(decoded, "eventId"),
                    AuditEntry.requestIdOf(eventText(decoded, "requestId"), key), payload);
        } catch (UnreadableValueException e) {
            return reasoned(record, key, headers, AuditEntry.UNREADABLE,
                    e.schemaId() != null ? e.schemaId() : schemaId, e.getMessage());
        } catch (UnrepresentableValueException e) {
            return reasoned(record, key, headers, AuditEntry.UNREPRESENTABLE, schemaId, e.getMessage());
        } catch (IllegalArgumentException e) {
            // Nothing a real record holds should get here; if something does, it is still recorded, not a stall.
            return reasoned(record, key, headers, AuditEntry.UNREPRESENTABLE, schemaId,
                    "the entry cannot be made: " + e.getMessage());
        }
    }

    private static AuditEntry reasoned(ConsumerRecord<byte[], byte[]> record, @Nullable RecordBytes key,
            List<AuditHeader> headers, String eventType, @Nullable Integer schemaId, @Nullable String reason) {
        return new AuditEntry(record.topic(), record.partition(), record.offset(), record.timestamp(), key, headers,
                schemaId, eventType, null, AuditEntry.requestIdOf(null, key),
                AuditEntry.reasonPayload(String.valueOf(reason), record.value()));
    }

    private static List<AuditHeader> headers(ConsumerRecord<byte[], byte[]> record) {
        List<AuditHeader> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            // Kafka decodes a header name from UTF-8, so it is well-formed; one made in-process may not be, and
            // encoding it the way Kafka would send it makes it so rather than refusing the record.
            String name = new String(header.key().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            headers.add(new AuditHeader(name, header.value() == null ? null : RecordBytes.of(header.value())));
        }
        return headers;
    }

    // The event's own identity, when its writer's schema has a string field of that name.
    private static @Nullable String eventText(WriterSchemaDecoder.Decoded decoded, String field) {
        Schema writer = decoded.writer();
        if (writer.getType() != Schema.Type.RECORD || writer.getField(field) == null
                || !(decoded.datum() instanceof IndexedRecord event)) {
            return null;
        }
        Object value = event.get(writer.getField(field).pos());
        return value instanceof CharSequence text && !text.toString().isBlank() ? text.toString() : null;
    }
}
