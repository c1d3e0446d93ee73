package dev.lapse.revoker.kafka;

import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The Kafka clients the revoker's loop opens, and opens afresh after a failure: its group consumer, the
 * consumers that read state back, and its transactional producer.
 */
record RevokerClients(Supplier<KafkaConsumer<String, byte[]>> consumers,
        Supplier<KafkaConsumer<String, byte[]>> restoreConsumers,
        Supplier<? extends Producer<String, Object>> producers) {
}
