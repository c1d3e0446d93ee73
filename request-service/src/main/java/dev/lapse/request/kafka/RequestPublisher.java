package dev.lapse.request.kafka;

import dev.lapse.event.AccessRequested;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.event.RevocationRequested;
import dev.lapse.request.submission.Submission;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.DeadLetterRouting;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes what people submit over REST. A submission goes to {@code lapse.access.submitted}, like any other
 * system's, so the one gate decides it; the call then waits (bounded) for that gate's verdict.
 *
 * <p>REST writes with an idempotent producer (acks=all) of its own, not a transaction per call: one record needs no
 * transaction to be written once, and concurrent calls share the producer's batches. Its timeouts bound how long a
 * call waits when the broker or the registry is away, so that it answers 503 instead of hanging.
 */
@Component
public class RequestPublisher implements DisposableBean {

    private final KafkaTemplate<String, Object> kafka;
    private final SubmissionVerdicts verdicts;
    private final Clock clock;
    private final Duration writeTimeout;
    private final Duration verdictTimeout;

    private final DefaultKafkaProducerFactory<String, Object> producers;

    RequestPublisher(KafkaProperties kafkaProperties, SubmissionVerdicts verdicts, Clock clock,
            RequestProperties properties) {
        Map<String, Object> producer = new HashMap<>(kafkaProperties.buildProducerProperties());
        producer.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        int waitMs = (int) properties.writeTimeout().toMillis();
        producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, waitMs);
        producer.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, waitMs);
        producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, waitMs + 1);
        this.producers = new DefaultKafkaProducerFactory<>(producer);
        this.kafka = new KafkaTemplate<>(producers);
        this.verdicts = verdicts;
        this.clock = clock;
        this.writeTimeout = properties.writeTimeout();
        this.verdictTimeout = properties.verdictTimeout();
    }

    /**
     * Writes a validated submission and waits for the gate's verdict.
     *
     * @return the verdict, or empty when none came within {@code lapse.request.verdict-timeout} (the submission is
     *     written all the same, and its timeline will show the verdict)
     * @throws KafkaUnavailableException if Kafka did not take the record in time
     */
    public Submitted submit(Submission submission) {
        String requestId = submission.requestId() != null ? submission.requestId() : UUID.randomUUID().toString();
        String eventId = UUID.randomUUID().toString();
        Instant at = clock.instant();
        AccessRequested event = AvroMapping.submissionEvent(submission, requestId, eventId, at,
                new Actor(ActorKind.USER, submission.requesterId()));
        CompletableFuture<SubmissionVerdicts.Verdict> verdict = verdicts.expect(eventId);
        try {
            write(new ProducerRecord<>(Topics.ACCESS_SUBMITTED.name(), requestId, event));
            return new Submitted(requestId, at,
                    Optional.of(verdict.get(verdictTimeout.toMillis(), TimeUnit.MILLISECONDS)));
        } catch (TimeoutException e) {
            return new Submitted(requestId, at, Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while waiting for the verdict", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a verdict cannot fail", e);
        } finally {
            verdicts.forget(eventId);
        }
    }

    /** Asks the revoker to end a grant now. */
    public void revoke(String requestId, String grantId, String by, String reason) {
        RevocationRequested event = RevocationRequested.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setRequestId(requestId)
                .setGrantId(grantId)
                .setOccurredAt(clock.instant())
                .setCausedBy(new Actor(ActorKind.USER, by))
                .setReason(reason)
                .build();
        write(new ProducerRecord<>(Topics.REVOCATION_REQUESTED.name(), requestId, event));
    }

    private void write(ProducerRecord<String, Object> record) {
        try {
            kafka.send(record).get(writeTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while writing to " + record.topic(), e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // Registry down (the serializer cannot get a schema id), broker away (metadata or delivery timeout).
            throw new KafkaUnavailableException("cannot write to " + record.topic() + " now: "
                    + DeadLetterRouting.reason(e), e);
        }
    }

    @Override
    public void destroy() {
        producers.destroy();
    }

    /** A submission Kafka has taken: its id, when, and the gate's verdict if it came in time. */
    public record Submitted(String requestId, Instant at, Optional<SubmissionVerdicts.Verdict> verdict) {
    }
}
