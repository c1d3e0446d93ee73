package dev.lapse.request.kafka;

import dev.lapse.event.AccessRejected;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.request.RequestServiceApplication;
import dev.lapse.request.submission.SubmissionValidator;
import dev.lapse.request.timeline.TimelineBook;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.DeadLetterRouting;
import dev.lapse.schemas.EventIds;
import dev.lapse.schemas.kafka.EventDecoder;
import dev.lapse.schemas.kafka.RawRecordConsumers;
import dev.lapse.schemas.kafka.SeenRequests;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AfterRollbackProcessor;

/** Wires request-service's Kafka edge: the ingress, the timeline feed, and rejections of bad submissions. */
@Configuration(proxyBeanMethods = false)
class RequestKafkaConfiguration {

    @Bean
    SubmissionValidator submissionValidator(RequestProperties properties) {
        return new SubmissionValidator(properties.toOptions());
    }

    @Bean
    TimelineBook timelineBook() {
        return new TimelineBook();
    }

    @Bean
    EventDecoder ingressDecoder(KafkaProperties kafka) {
        return EventDecoder.from(kafka.buildConsumerProperties());
    }

    @Bean
    SubmissionVerdicts submissionVerdicts() {
        return new SubmissionVerdicts();
    }

    /** The request ids the gate accepted, read back per partition from their compacted topic. */
    @Bean
    SeenRequests acceptedRequests(KafkaProperties kafka) {
        return SeenRequests.of(Topics.ACCEPTED_REQUESTS_STATE, kafka.buildConsumerProperties());
    }

    /**
     * Parks bad submissions and, when the submission named its requester, tells them why (AccessRejected, with the
     * submission's eventId in a header so a waiting REST call learns its verdict).
     */
    @Bean
    AfterRollbackProcessor<Object, Object> afterRollbackProcessor(KafkaTemplate<Object, Object> template, Clock clock) {
        return DeadLetterRouting.afterRollbackProcessor(template, (record, exception) -> {
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
        });
    }

    /** The ingress reads raw bytes: decoding happens in the listener so a bad record is parked byte for byte. */
    @Bean
    ConcurrentKafkaListenerContainerFactory<Object, Object> ingressContainerFactory(
            ConcurrentKafkaListenerContainerFactoryConfigurer configurer, KafkaProperties kafka) {
        ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
        // The configurer takes Object-typed factories; the listener's signature states the real types.
        @SuppressWarnings({"unchecked", "rawtypes"})
        ConsumerFactory<Object, Object> consumers =
                (ConsumerFactory) RawRecordConsumers.consumerFactory(kafka.buildConsumerProperties());
        configurer.configure(factory, consumers);
        return factory;
    }

    /** The timeline only reads; it needs no transaction, and commits nothing that matters (its group is its own). */
    @Bean
    ConcurrentKafkaListenerContainerFactory<Object, Object> timelineContainerFactory(
            ConcurrentKafkaListenerContainerFactoryConfigurer configurer, ConsumerFactory<Object, Object> consumers) {
        ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
        configurer.configure(factory, consumers);
        factory.getContainerProperties().setKafkaAwareTransactionManager(null);
        return factory;
    }
}
