package dev.lapse.schemas.kafka;

import dev.lapse.schemas.serde.AvroDeserializer;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;

/**
 * Listeners read values as raw bytes and decode them with {@link EventDecoder}, because a deserializer's failure
 * cannot tell a broken record (park it) from an unreachable registry (wait): through Spring's
 * {@code ErrorHandlingDeserializer} both become the same {@code DeserializationException}. Raw bytes also let a
 * broken record be parked exactly as it arrived. A listener opts in with
 * {@code @KafkaListener(containerFactory = RawRecordConsumers.CONTAINER_FACTORY)} and a
 * {@code ConsumerRecord<String, byte[]>} parameter.
 */
public final class RawRecordConsumers {

    /**
     * Name of the listener container factory every Lapse service gets: String keys, raw byte values, the service's
     * transactions, Lapse's retry and dead-letter handling.
     */
    public static final String CONTAINER_FACTORY = "rawRecordContainerFactory";

    private RawRecordConsumers() {
    }

    /** Consumers with String keys and raw byte values, otherwise configured like the service's other consumers. */
    public static ConsumerFactory<String, byte[]> consumerFactory(Map<String, Object> consumerProperties) {
        return new DefaultKafkaConsumerFactory<>(consumerProperties, StringDeserializer::new,
                ByteArrayDeserializer::new);
    }

    /** The Avro deserializer the listener decodes with, configured from the same properties. */
    public static AvroDeserializer avroDeserializer(Map<String, Object> consumerProperties) {
        AvroDeserializer deserializer = new AvroDeserializer();
        deserializer.configure(consumerProperties, false);
        return deserializer;
    }
}
