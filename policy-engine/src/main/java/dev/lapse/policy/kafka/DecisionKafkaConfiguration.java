package dev.lapse.policy.kafka;

import dev.lapse.policy.PolicyProperties;
import dev.lapse.policy.files.LoadedPolicies;
import dev.lapse.policy.pending.PendingApprovals;
import dev.lapse.schemas.kafka.BatchTransactions;
import dev.lapse.schemas.kafka.EventDecoder;
import dev.lapse.schemas.kafka.Partitions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ContainerPostProcessor;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;

/** Wires the decision listener: its pending state, publisher, time-out sweep and container settings. */
@Configuration(proxyBeanMethods = false)
class DecisionKafkaConfiguration {

    /** Name of the bean that tunes the decision listener's container. */
    static final String CONTAINER_SETTINGS = "decisionContainerSettings";
    /** Gauge: requests waiting for votes in the partitions this instance owns. */
    static final String PENDING = "lapse.policy.pending";

    @Bean
    PendingState pendingState(KafkaProperties kafka, EventDecoder decoder, MeterRegistry meters) {
        Map<String, Object> reader = new HashMap<>(kafka.buildConsumerProperties());
        reader.remove(ConsumerConfig.GROUP_ID_CONFIG);
        reader.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        reader.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A read back ends on an empty fetch at the end of each partition; the broker holds an empty fetch for
        // fetch.max.wait.ms (500 ms by default), which would delay the first record of a partition after each start.
        reader.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        PendingApprovals table = new PendingApprovals(Partitions::of);
        Gauge.builder(PENDING, table, PendingApprovals::size)
                .description("requests waiting for votes in the partitions this instance owns").register(meters);
        return new PendingState(table,
                () -> new KafkaConsumer<>(reader, new StringDeserializer(), new ByteArrayDeserializer()), decoder);
    }

    @Bean
    DecisionPublisher decisionPublisher(KafkaTemplate<String, Object> kafka) {
        return new DecisionPublisher(kafka);
    }

    @Bean
    TimeoutSweep timeoutSweep(PendingState state, DecisionPublisher publisher, KafkaTemplate<String, Object> kafka,
            Clock clock, PolicyProperties properties) {
        return new TimeoutSweep(state, publisher, kafka, clock, properties.timeoutCheckInterval());
    }

    @Bean
    DecisionListener decisionListener(LoadedPolicies policies, PendingState state, DecisionPublisher publisher,
            TimeoutSweep sweep, Clock clock, EventDecoder decoder, BatchTransactions batches, MeterRegistry meters) {
        return new DecisionListener(policies, state, publisher, sweep, clock, decoder, batches, meters);
    }

    /**
     * The container publishes an idle event on its consumer thread after {@code lapse.policy.timeout-check-interval}
     * without records (and again each interval), which sweeps time-outs; its poll waits no longer than that, so the
     * idle check comes on time.
     */
    @Bean(CONTAINER_SETTINGS)
    ContainerPostProcessor<String, byte[], AbstractMessageListenerContainer<String, byte[]>> decisionContainerSettings(
            PolicyProperties properties) {
        long intervalMs = properties.timeoutCheckInterval().toMillis();
        return container -> {
            ContainerProperties settings = container.getContainerProperties();
            settings.setIdleEventInterval(intervalMs);
            settings.setPollTimeout(Math.min(settings.getPollTimeout(), intervalMs));
        };
    }
}
