package dev.lapse.schemas.kafka;

import dev.lapse.schemas.serde.AvroDeserializer;
import dev.lapse.schemas.serde.RegistryUnavailableException;
import dev.lapse.schemas.serde.SchemaRegistryException;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Decodes the raw bytes of a consumed record into the event its topic carries, and says which kind of failure a
 * failure is: a record that can never be read is a {@link RejectedRecordException} (park it), an unreachable
 * registry is a {@link RegistryUnavailableException} (wait and retry; the record is fine). Listeners decode here,
 * rather than in the consumer's deserializer, because a deserializer's failure cannot carry that difference.
 */
public final class EventDecoder {

    private final AvroDeserializer deserializer;

    public EventDecoder(AvroDeserializer deserializer) {
        this.deserializer = deserializer;
    }

    /** A decoder configured from a service's consumer properties (registry URL, specific reader). */
    public static EventDecoder from(Map<String, Object> consumerProperties) {
        return new EventDecoder(RawRecordConsumers.avroDeserializer(consumerProperties));
    }

    /**
     * The schema a record with {@code schemaId} was written with (see {@link AvroDeserializer#writerSchema}).
     *
     * @throws RegistryUnavailableException if the registry cannot be reached now
     * @throws SchemaRegistryException if the registry has no such schema
     */
    public Schema writerSchema(int schemaId) {
        return deserializer.writerSchema(schemaId);
    }

    /**
     * The record's value as {@code type}.
     *
     * @throws RejectedRecordException if the bytes cannot be read or are not a {@code type}
     * @throws RegistryUnavailableException if the writer's schema cannot be fetched now
     */
    public <T> T decode(ConsumerRecord<?, byte[]> record, Class<T> type) {
        Object value;
        try {
            value = deserializer.deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            throw new RejectedRecordException(e.getMessage(), List.of());
        }
        if (!type.isInstance(value)) {
            throw new RejectedRecordException("expected " + type.getSimpleName() + " on " + record.topic() + ", got "
                    + (value == null ? "a tombstone" : value.getClass().getSimpleName()), List.of());
        }
        return type.cast(value);
    }
}
