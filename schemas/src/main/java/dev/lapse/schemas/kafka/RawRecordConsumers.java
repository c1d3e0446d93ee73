package dev.lapse.schemas.kafka;

import dev.lapse.schemas.serde.AvroDeserializer;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;

/**
 * For listeners that must keep a record exactly as it arrived (the ingress parks bad bytes unchanged; the audit
 * keeps even unreadable records): values are read as raw bytes and decoded in the listener.
 */
public final class RawRecordConsumers {

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
