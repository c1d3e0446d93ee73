package dev.lapse.audit.kafka;

import dev.lapse.schemas.serde.HttpSchemaRegistry;
import dev.lapse.schemas.serde.SchemaRegistry;
import dev.lapse.schemas.serde.SerdeConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The audit reads keys and values as raw bytes, outside transactions (it writes nothing to Kafka), decodes values
 * with their writers' schemas, and never skips a record: a failed one is retried with a capped exponential backoff.
 */
@Configuration(proxyBeanMethods = false)
class AuditKafkaConfiguration {

    static final long FIRST_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 5_000;
    static final long OFFSET_COMMIT_INTERVAL_MS = 1_000;

    @Bean
    RecordEntries auditRecordEntries(KafkaProperties kafka) {
        SerdeConfig serde = SerdeConfig.from(kafka.buildConsumerProperties(), false);
        SchemaRegistry registry = new HttpSchemaRegistry(serde.registryUrls());
        return new RecordEntries(new WriterSchemaDecoder(registry));
    }

    @Bean
    AuditWaiting auditWaiting(Clock clock, MeterRegistry meters) {
        return new AuditWaiting(clock, meters);
    }

    @Bean
    ConcurrentKafkaListenerContainerFactory<byte[], byte[]> auditContainerFactory(KafkaProperties kafka) {
        ConcurrentKafkaListenerContainerFactory<byte[], byte[]> factory = new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(new DefaultKafkaConsumerFactory<>(kafka.buildConsumerProperties(),
                ByteArrayDeserializer::new, ByteArrayDeserializer::new));
        factory.setCommonErrorHandler(retryForever());
        // The chain files, not the committed offsets, say where the sink resumes (see AuditListener); offsets are
        // committed for operators watching the group's lag, once a second rather than after every poll, which
        // cost a blocking round trip and an offsets write per poll.
        factory.getContainerProperties().setAckMode(ContainerProperties.AckMode.TIME);
        factory.getContainerProperties().setAckTime(OFFSET_COMMIT_INTERVAL_MS);
        return factory;
    }

    /**
     * Retries a failed record after 100 ms, doubling up to 5 s, for ever. Only the world can make a record fail here
     * (see {@link RecordEntries}), so waiting is right, and skipping would leave a hole in the chain. Every exception
     * is retried, including those Spring Kafka treats as fatal by default, and the container's own log line per
     * attempt is turned down: {@link AuditWaiting} logs when a wait starts and ends.
     */
    static DefaultErrorHandler retryForever() {
        ExponentialBackOff backOff = new ExponentialBackOff(FIRST_BACKOFF_MS, 2.0);
        backOff.setMaxInterval(MAX_BACKOFF_MS);
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        backOff.setMaxAttempts(Long.MAX_VALUE);
        DefaultErrorHandler handler = new DefaultErrorHandler((record, e) -> {
            throw new IllegalStateException("the audit never skips a record, yet retries ended at "
                    + record.topic() + "-" + record.partition() + "@" + record.offset(), e);
        }, backOff);
        handler.setClassifications(Map.of(), true);
        handler.setLogLevel(KafkaException.Level.DEBUG);
        return handler;
    }
}
