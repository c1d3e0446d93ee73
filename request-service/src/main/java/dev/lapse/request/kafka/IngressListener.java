package dev.lapse.request.kafka;

import dev.lapse.event.AccessRequested;
import dev.lapse.request.submission.Submission;
import dev.lapse.request.submission.SubmissionValidator;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.EventDecoder;
import dev.lapse.schemas.kafka.RawRecordConsumers;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * The ingress for other systems: reads the raw bytes of each submission (so a bad record is parked exactly as it
 * arrived), decodes and validates it like a REST request, and republishes it as a validated request in the same
 * transaction. Unreadable or invalid records go to the dead-letter topic with their reason; while the registry is
 * unreachable, the record waits.
 */
@Component
class IngressListener {

    private static final Logger log = LoggerFactory.getLogger(IngressListener.class);

    private final EventDecoder decoder;
    private final SubmissionValidator validator;
    private final KafkaTemplate<String, Object> kafka;

    IngressListener(EventDecoder decoder, SubmissionValidator validator, KafkaTemplate<String, Object> kafka) {
        this.decoder = decoder;
        this.validator = validator;
        this.kafka = kafka;
    }

    @KafkaListener(id = "request-ingress", topics = "lapse.access.submitted",
            containerFactory = RawRecordConsumers.CONTAINER_FACTORY)
    void onSubmitted(ConsumerRecord<String, byte[]> record) {
        AccessRequested submitted = decoder.decode(record, AccessRequested.class);
        Submission submission = AvroMapping.submission(submitted);
        List<String> violations = validator.violations(submission);
        if (submission.requestId() == null || !submission.requestId().equals(record.key())) {
            violations = new java.util.ArrayList<>(violations);
            violations.add("the record key must be the requestId ('" + submission.requestId() + "'), got '"
                    + record.key() + "'");
        }
        if (!violations.isEmpty()) {
            throw new IngressRejection(submission.requestId(), submission.requesterId(), submission.sourceSystem(),
                    violations);
        }
        AccessRequested accepted = AvroMapping.accessRequested(submission, submission.requestId(),
                submitted.getOccurredAt(), submitted.getCausedBy());
        kafka.send(Topics.ACCESS_REQUESTED.name(), accepted.getRequestId(), accepted);
        log.info("Request {} from {} accepted from the ingress", accepted.getRequestId(), submission.sourceSystem());
    }
}
