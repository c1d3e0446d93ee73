package dev.lapse.request.kafka;

import dev.lapse.event.AccessRequested;
import dev.lapse.request.submission.SourceTrust;
import dev.lapse.request.submission.Submission;
import dev.lapse.request.submission.SubmissionValidator;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.BatchTransactions;
import dev.lapse.schemas.kafka.EventDecoder;
import dev.lapse.schemas.kafka.Partitions;
import dev.lapse.schemas.kafka.RawRecordConsumers;
import dev.lapse.schemas.kafka.SeenRequests;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.stereotype.Component;

/**
 * The gate every submission passes, from other systems and from REST alike: it is the one writer of
 * {@code lapse.access.requested}. It reads the raw bytes of each submission (so a bad record is parked exactly as
 * it arrived), validates it, refuses a request id it accepted before, and publishes the validated request together
 * with the remembered id, in the transaction that consumes the submission's poll batch. The accepted ids are durable
 * ({@link Topics#ACCESS_SUBMITTED}'s partition p is judged against partition p of
 * {@link Topics#ACCEPTED_REQUESTS_STATE}), so a replay is refused after a restart or a rebalance too. A submission
 * from a source system that is not trusted to name requesters ({@link SourceTrust}) is parked whatever it asks.
 * While the registry is unreachable, the record waits.
 */
@Component
class IngressListener implements ConsumerSeekAware {

    /** Header carrying the submission's eventId onto the request or rejection it led to. */
    static final String SUBMISSION_HEADER = "lapse.submission.event-id";
    /** Header on a submission moved to its key's partition, naming where it was first written. */
    static final String FORWARDED_HEADER = "lapse.forwarded-from";

    private static final String LISTENER = "request-ingress";
    private static final Logger log = LoggerFactory.getLogger(IngressListener.class);

    private final EventDecoder decoder;
    private final SubmissionValidator validator;
    private final KafkaTemplate<String, Object> kafka;
    private final SeenRequests accepted;
    private final Clock clock;
    private final BatchTransactions batches;
    private final SourceTrust trust;

    IngressListener(EventDecoder decoder, SubmissionValidator validator, KafkaTemplate<String, Object> kafka,
            SeenRequests acceptedRequests, Clock clock, BatchTransactions batches, RequestProperties properties) {
        this.batches = batches;
        this.trust = properties.ingress().toTrust();
        this.decoder = decoder;
        this.validator = validator;
        this.kafka = kafka;
        this.accepted = acceptedRequests;
        this.clock = clock;
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        accepted.assigned(assignments.keySet());
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        accepted.revoked(partitions);
    }

    @KafkaListener(id = LISTENER, topics = "lapse.access.submitted",
            containerFactory = RawRecordConsumers.CONTAINER_FACTORY)
    void onSubmitted(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) {
        batches.process(LISTENER, records, consumer, this::judge);
    }

    private void judge(ConsumerRecord<String, byte[]> record) {
        if (misrouted(record)) {
            forward(record);
            return;
        }
        AccessRequested submitted = decoder.decode(record, AccessRequested.class);
        Submission submission = AvroMapping.submission(submitted);
        Optional<String> untrusted = trust.refusal(submission.sourceSystem());
        if (untrusted.isPresent()) {
            throw IngressRejection.untrusted(submission.requestId(), submission.requesterId(),
                    submission.sourceSystem(), untrusted.get(), submitted.getEventId());
        }
        List<String> violations = new ArrayList<>(validator.violations(submission));
        if (submission.requestId() == null || !submission.requestId().equals(record.key())) {
            violations.add("the record key must be the requestId ('" + submission.requestId() + "'), got '"
                    + record.key() + "'");
        }
        if (!violations.isEmpty()) {
            throw IngressRejection.invalid(submission.requestId(), submission.requesterId(),
                    submission.sourceSystem(), violations, submitted.getEventId());
        }
        String requestId = submission.requestId();
        if (accepted.claimedByAnother(requestId, record)) {
            throw IngressRejection.duplicate(requestId, submission.requesterId(), submission.sourceSystem(),
                    submitted.getEventId());
        }
        AccessRequested request = AvroMapping.accessRequested(submission, requestId, submitted.getOccurredAt(),
                submitted.getCausedBy());
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader(SUBMISSION_HEADER, submitted.getEventId().getBytes(StandardCharsets.UTF_8)));
        kafka.send(new ProducerRecord<>(Topics.ACCESS_REQUESTED.name(), null, requestId, request, headers));
        kafka.send(accepted.remember(requestId, record, submitted.getEventId(), clock.instant()));
        log.debug("Request {} from {} accepted", requestId, submission.sourceSystem());
    }

    /**
     * A submission written to another partition than its key's (a client with another partitioner, or on purpose)
     * would be judged against the wrong partition's accepted ids; it is moved to its key's partition instead.
     */
    private static boolean misrouted(ConsumerRecord<String, byte[]> record) {
        return record.key() != null && !record.key().isEmpty() && Partitions.of(record.key()) != record.partition();
    }

    private void forward(ConsumerRecord<String, byte[]> record) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(new RecordHeader(FORWARDED_HEADER, (record.topic() + "-" + record.partition() + "@"
                + record.offset()).getBytes(StandardCharsets.UTF_8)));
        kafka.send(new ProducerRecord<>(record.topic(), Partitions.of(record.key()), record.key(),
                record.value(), headers));
        log.info("Submission {}-{}@{} moved to partition {} of its key {}", record.topic(), record.partition(),
                record.offset(), Partitions.of(record.key()), record.key());
    }
}
