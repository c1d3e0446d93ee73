package dev.lapse.request.kafka;

import dev.lapse.event.AccessRejected;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.request.RequestServiceApplication;
import dev.lapse.request.submission.SubmissionValidator;
import dev.lapse.request.timeline.TimelineBook;
import dev.lapse.schemas.EventIds;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.DeadLetterRouting;
import dev.lapse.schemas.kafka.RawRecordConsumers;
import dev.lapse.schemas.kafka.RetryPolicy;
import dev.lapse.schemas.kafka.SeenRequests;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ContainerProperties;

/** Wires request-service's Kafka edge: the ingress, the timeline feed, and rejections of bad submissions. */
@Configuration(proxyBeanMethods = false)
class RequestKafkaConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RequestKafkaConfiguration.class);

    @Bean
    SubmissionValidator submissionValidator(RequestProperties properties) {
        return new SubmissionValidator(properties.toOptions());
    }

    @Bean
    TimelineBook timelineBook(RequestProperties properties) {
        return new TimelineBook(properties.timelineMaxRequests());
    }

    @Bean
    SubmissionVerdicts submissionVerdicts() {
        return new SubmissionVerdicts();
    }

    /** The request ids the gate accepted, read back per partition from their compacted topic. */
    @Bean
    SeenRequests acceptedRequests(KafkaProperties kafka) {
        return SeenRequests.of(Topics.ACCEPTED_REQUESTS_STATE, Topics.ACCESS_SUBMITTED,
                kafka.buildConsumerProperties());
    }

    /**
     * Tells the requester why, when a parked ingress submission named one (AccessRejected, with the submission's
     * eventId in a header so a waiting REST call learns its verdict).
     */
    @Bean
    DeadLetterRouting.AfterParking rejectToRequester(KafkaTemplate<Object, Object> template, Clock clock) {
        return (record, exception) -> {
            for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
                if (cause instanceof IngressRejection rejection && rejection.requestId() != null
                        && rejection.requesterId() != null) {
                    AccessRejected rejected = AccessRejected.newBuilder()
                            // One rejection per parked record, whatever retries it takes to write it.
                            .setEventId(EventIds.once("rejected", record.topic() + "-" + record.partition() + "@"
                                    + record.offset()))
                            .setRequestId(rejection.requestId())
                            .setOccurredAt(clock.instant())
                            .setCausedBy(new Actor(ActorKind.SERVICE, RequestServiceApplication.NAME))
                            .setRequesterId(rejection.requesterId())
                            .setReason(rejection.getMessage())
                            .setViolations(rejection.violations())
                            .setSourceSystem(rejection.sourceSystem())
                            .build();
                    RecordHeaders headers = new RecordHeaders();
                    if (rejection.submissionEventId() != null) {
                        headers.add(new RecordHeader(IngressListener.SUBMISSION_HEADER,
                                rejection.submissionEventId().getBytes(StandardCharsets.UTF_8)));
                    }
                    template.send(new ProducerRecord<>(Topics.ACCESS_REJECTED.name(), null, rejection.requestId(),
                            rejected, headers));
                    return;
                }
            }
        };
    }

    /** REST writes: idempotent, not transactional, and bounded in time so a caller gets a quick 503. */
    @Bean(destroyMethod = "close")
    RestProducer restProducer(KafkaProperties kafka, RequestProperties properties, MeterRegistry registry) {
        return new RestProducer(kafka.buildProducerProperties(), properties.restWrite(), registry);
    }

    /**
     * The timeline is a read model: it reads raw bytes outside transactions, waits while something is down like
     * every listener, and only logs a record it cannot read, since that record's owner parks it.
     */
    @Bean
    ConcurrentKafkaListenerContainerFactory<Object, Object> timelineContainerFactory(
            ConcurrentKafkaListenerContainerFactoryConfigurer configurer, KafkaProperties kafka, RetryPolicy retries) {
        ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
        @SuppressWarnings({"unchecked", "rawtypes"})
        ConsumerFactory<Object, Object> consumers =
                (ConsumerFactory) RawRecordConsumers.consumerFactory(kafka.buildConsumerProperties());
        configurer.configure(factory, consumers);
        factory.getContainerProperties().setKafkaAwareTransactionManager(null);
        // The book is rebuilt from the beginning at every start, so offsets only bound what a rebalance of this
        // instance's own group replays: committing them once a second is enough, and spares a blocking round trip
        // and an offsets write after every poll.
        factory.getContainerProperties().setAckMode(ContainerProperties.AckMode.TIME);
        factory.getContainerProperties().setAckTime(1_000);
        factory.setCommonErrorHandler(retries.errorHandler((record, exception) -> log.warn(
                "Timeline skips {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                DeadLetterRouting.reason(exception))));
        return factory;
    }
}
