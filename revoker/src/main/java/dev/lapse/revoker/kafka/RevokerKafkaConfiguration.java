package dev.lapse.revoker.kafka;

import dev.lapse.schemas.kafka.EventDecoder;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Builds the revoker's loop from Boot's {@code spring.kafka.*} settings: the same bootstrap servers, registry and
 * client tuning as every service, with a transactional id that is stable per instance so that a restarted instance
 * fences its crashed predecessor at once.
 */
@Configuration(proxyBeanMethods = false)
class RevokerKafkaConfiguration {

    @Bean
    ExpiryLoop expiryLoop(RevokerProperties properties, RevokerClients clients, KafkaProperties kafka, Clock clock,
            MeterRegistry meters) {
        return new ExpiryLoop(properties.toOptions(), clients, EventDecoder.from(kafka.buildConsumerProperties()),
                clock, meters);
    }

    @Bean
    RevokerClients revokerClients(KafkaProperties kafka, Environment environment) {
        Map<String, Object> consumer = new HashMap<>(kafka.buildConsumerProperties());
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        // Range assignment gives one instance partition p of both inputs, so a grant and its revocation meet.
        consumer.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Object> restore = new HashMap<>(consumer);
        restore.remove(ConsumerConfig.GROUP_ID_CONFIG);
        restore.remove(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
        // A restore reads whole partitions from the start: larger fetches and polls cut the round trips and the
        // per-poll work of reading a million grants back, unless the user set these keys.
        restore.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        restore.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);

        Map<String, Object> producer = new HashMap<>(kafka.buildProducerProperties());
        producer.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, environment.getProperty("spring.application.name")
                + "-" + instanceId(environment) + "-expiry");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);

        return new RevokerClients(() -> new KafkaConsumer<>(consumer), () -> new KafkaConsumer<>(restore),
                () -> new KafkaProducer<>(producer));
    }

    private static String instanceId(Environment environment) {
        String configured = environment.getProperty("lapse.instance-id");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "local";
        }
    }
}
