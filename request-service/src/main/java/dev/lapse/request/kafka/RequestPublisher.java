package dev.lapse.request.kafka;

import dev.lapse.event.AccessRequested;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.event.RevocationRequested;
import dev.lapse.request.submission.Submission;
import dev.lapse.schemas.Topics;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Publishes what people submit over REST, each record acknowledged before the caller is answered; a write that
 * cannot be made now throws {@link WriteUnavailableException} within seconds (503).
 */
@Component
public class RequestPublisher {

    private final RestProducer kafka;
    private final Clock clock;

    RequestPublisher(RestProducer kafka, Clock clock) {
        this.kafka = kafka;
        this.clock = clock;
    }

    /** Publishes a validated request and returns its id and time once Kafka has acknowledged it. */
    public Accepted submit(Submission submission) {
        String requestId = submission.requestId() != null ? submission.requestId() : UUID.randomUUID().toString();
        Instant at = clock.instant();
        AccessRequested event = AvroMapping.accessRequested(submission, requestId, at,
                new Actor(ActorKind.USER, submission.requesterId()));
        kafka.send(Topics.ACCESS_REQUESTED.name(), requestId, event);
        return new Accepted(requestId, at);
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
        kafka.send(Topics.REVOCATION_REQUESTED.name(), requestId, event);
    }

    /** A request Kafka has accepted. */
    public record Accepted(String requestId, Instant at) {
    }
}
