package dev.lapse.grant.kafka;

import dev.lapse.grant.GrantIssuerProperties;
import dev.lapse.grant.target.Targets;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.EventDecoder;
import dev.lapse.schemas.kafka.SeenRequests;
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

/** Wires grant-issuer's durable state, its withdrawals and the reconciliation of its targets. */
@Configuration(proxyBeanMethods = false)
class GrantKafkaConfiguration {

    @Bean
    SeenRequests issuedGrants(KafkaProperties kafka) {
        return SeenRequests.of(Topics.ISSUED_GRANTS_STATE, Topics.ACCESS_APPROVED, kafka.buildConsumerProperties());
    }

    /** Gauge: how many partitions of {@code lapse.access.expired} this instance consumes; 0 means none are withdrawn here. */
    static final String EXPIRY_PARTITIONS = "lapse.grant.expiry.partitions";

    @Bean
    ExpiryFence expiryFence(Clock clock, MeterRegistry meters) {
        ExpiryFence fence = new ExpiryFence(clock);
        Gauge.builder(EXPIRY_PARTITIONS, fence, ExpiryFence::ownedPartitionCount)
                .description("partitions of lapse.access.expired this instance consumes (after a crash, 0 until "
                        + "the restarted instance has rejoined its group)")
                .register(meters);
        return fence;
    }

    @Bean(destroyMethod = "close")
    Withdrawals withdrawals(Targets targets, GrantIssuerProperties properties, ExpiryFence fence) {
        return new Withdrawals(targets, properties.withdrawalConcurrency(), fence);
    }

    @Bean
    TargetReconciler targetReconciler(Targets targets, KafkaProperties kafka, EventDecoder decoder, Clock clock,
            GrantIssuerProperties properties, MeterRegistry meters, ExpiryFence fence) {
        Map<String, Object> reader = new HashMap<>(kafka.buildConsumerProperties());
        reader.remove(ConsumerConfig.GROUP_ID_CONFIG);
        reader.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        ProvisionedGrants provisioned = new ProvisionedGrants(
                () -> new KafkaConsumer<>(reader, new StringDeserializer(), new ByteArrayDeserializer()), decoder);
        return new TargetReconciler(targets, provisioned, clock, properties.reconcileGrace(), meters, fence);
    }

    @Bean(destroyMethod = "close")
    ReconciliationSchedule reconciliationSchedule(TargetReconciler reconciler, Targets targets,
            GrantIssuerProperties properties) {
        return ReconciliationSchedule.start(reconciler, targets, properties.reconcileInterval(),
                properties.overdueInterval());
    }
}
