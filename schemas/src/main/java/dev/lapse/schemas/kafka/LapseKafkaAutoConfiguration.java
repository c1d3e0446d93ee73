package dev.lapse.schemas.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.Objects;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.util.ClassUtils;

/**
 * What every Lapse service gets by depending on {@code schemas}: the contract's topics declared at start-up; a poll
 * batch per Kafka transaction ({@link BatchTransactions}); records at fault parked in dead-letter topics and every other failure retried while its partition waits
 * ({@link RetryPolicy}), reported once per change of state ({@link PartitionWaits}); the raw-record listener
 * factory and {@link EventDecoder}; transactional ids from a bounded pool, all fenced at start
 * ({@link TransactionFencing}); and {@link DeadLetterRedrive}. A service that must do more when it parks a record
 * declares a {@link DeadLetterRouting.AfterParking} bean.
 */
@AutoConfiguration(afterName = "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration")
@ConditionalOnClass(KafkaTemplate.class)
@EnableConfigurationProperties(LapseKafkaProperties.class)
public class LapseKafkaAutoConfiguration {

    @Bean
    KafkaAdmin.NewTopics lapseTopics() {
        return TopicDeclarations.all();
    }

    @Bean
    @ConditionalOnMissingBean
    PartitionWaits lapsePartitionWaits(LapseKafkaProperties properties, ObjectProvider<MeterRegistry> meters,
            ObjectProvider<Clock> clock) {
        return new PartitionWaits(properties.maxRetryBackoff(), meters.getIfAvailable(SimpleMeterRegistry::new),
                clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean(destroyMethod = "close")
    PausingBackOff lapsePausingBackOff() {
        return new PausingBackOff();
    }

    @Bean
    RetryPolicy lapseRetryPolicy(LapseKafkaProperties properties, PartitionWaits waits, PausingBackOff pausing) {
        if (ClassUtils.isPresent("ch.qos.logback.classic.LoggerContext", getClass().getClassLoader())) {
            PerAttemptLineFilter.install();
        }
        return new RetryPolicy(properties.firstRetryBackoff(), properties.maxRetryBackoff(), waits, pausing);
    }

    @Bean
    @ConditionalOnMissingBean
    BatchTransactions lapseBatchTransactions(KafkaTemplate<Object, Object> template,
            ObjectProvider<DeadLetterRouting.AfterParking> afterParking, RetryPolicy policy, PartitionWaits waits,
            PausingBackOff pausing, ObjectProvider<KafkaListenerEndpointRegistry> listeners,
            ObjectProvider<MeterRegistry> meters) {
        return new BatchTransactions(template, DeadLetterRouting.parking(template,
                afterParking.getIfAvailable(() -> DeadLetterRouting.AfterParking.NOTHING), waits), policy, waits,
                pausing, id -> listeners.getObject().getListenerContainer(id),
                meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    @Bean
    @ConditionalOnMissingBean
    EventDecoder lapseEventDecoder(KafkaProperties kafka) {
        return EventDecoder.from(kafka.buildConsumerProperties());
    }

    /**
     * String keys, raw byte values, whole poll batches, and otherwise what Boot's configurer gives every factory;
     * the listener runs each batch through {@link BatchTransactions}, which commits the batch's offsets in its
     * transaction, so the container itself neither starts transactions nor commits.
     */
    @Bean(name = RawRecordConsumers.CONTAINER_FACTORY)
    @ConditionalOnMissingBean(name = RawRecordConsumers.CONTAINER_FACTORY)
    @ConditionalOnBean(ConcurrentKafkaListenerContainerFactoryConfigurer.class)
    ConcurrentKafkaListenerContainerFactory<Object, Object> rawRecordContainerFactory(
            ConcurrentKafkaListenerContainerFactoryConfigurer configurer, KafkaProperties kafka) {
        ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
        // The configurer takes Object-typed factories; each listener's signature states the real types.
        @SuppressWarnings({"unchecked", "rawtypes"})
        ConsumerFactory<Object, Object> consumers =
                (ConsumerFactory) RawRecordConsumers.consumerFactory(kafka.buildConsumerProperties());
        configurer.configure(factory, consumers);
        factory.setBatchListener(true);
        factory.getContainerProperties().setKafkaAwareTransactionManager(null);
        factory.getContainerProperties().setAckMode(ContainerProperties.AckMode.MANUAL);
        return factory;
    }

    @Bean
    DefaultKafkaProducerFactoryCustomizer lapseTransactionIdPool(LapseKafkaProperties properties) {
        return factory -> factory.setTransactionIdSuffixStrategy(
                TransactionFencing.suffixStrategy(properties.transactionIdPoolSize()));
    }

    @Bean
    @ConditionalOnBean(DefaultKafkaProducerFactory.class)
    TransactionFencing lapseTransactionFencing(DefaultKafkaProducerFactory<?, ?> producers,
            LapseKafkaProperties properties) {
        return new TransactionFencing(producers, properties.transactionIdPoolSize());
    }

    @Bean
    @ConditionalOnMissingBean
    DeadLetterRedrive lapseDeadLetterRedrive(KafkaProperties kafka, Environment environment) {
        String prefix = kafka.getProducer().getTransactionIdPrefix();
        String groupId = Objects.requireNonNullElse(kafka.getConsumer().getGroupId(),
                environment.getProperty("spring.application.name", "lapse"));
        return new DeadLetterRedrive(kafka.buildConsumerProperties(), kafka.buildProducerProperties(), groupId,
                (prefix != null ? prefix : groupId + "-") + "redrive");
    }
}
