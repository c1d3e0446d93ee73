package dev.lapse.audit.kafka;

import dev.lapse.schemas.kafka.RawRecordConsumers;
import dev.lapse.schemas.serde.AvroDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

/** The audit reads raw bytes, outside transactions (it writes nothing to Kafka), and never skips a record. */
@Configuration(proxyBeanMethods = false)
class AuditKafkaConfiguration {

    @Bean
    AvroDeserializer auditDeserializer(KafkaProperties kafka) {
        return RawRecordConsumers.avroDeserializer(kafka.buildConsumerProperties());
    }

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, byte[]> auditContainerFactory(KafkaProperties kafka) {
        ConcurrentKafkaListenerContainerFactory<String, byte[]> factory = new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(RawRecordConsumers.consumerFactory(kafka.buildConsumerProperties()));
        // A record the log cannot take (a full or failing disk) is retried until it can: an audit never skips.
        factory.setCommonErrorHandler(new DefaultErrorHandler(new FixedBackOff(1_000, FixedBackOff.UNLIMITED_ATTEMPTS)));
        return factory;
    }
}
