package dev.lapse.policy.kafka;

import dev.lapse.event.AccessApproved;
import dev.lapse.event.AccessDenied;
import dev.lapse.event.AccessRequested;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.policy.PolicyEngineApplication;
import dev.lapse.policy.decision.AccessRequest;
import dev.lapse.policy.decision.BuiltInRule;
import dev.lapse.policy.decision.Decision;
import dev.lapse.schemas.EventIds;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.BatchTransactions;
import dev.lapse.schemas.kafka.EventDecoder;
import dev.lapse.schemas.kafka.RawRecordConsumers;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/** Decides each validated request and publishes the decision in the transaction that consumes its poll batch. */
@Component
class RequestListener {

    private static final String LISTENER = "policy-requests";
    private static final Logger log = LoggerFactory.getLogger(RequestListener.class);
    private static final Actor SELF = new Actor(ActorKind.SERVICE, PolicyEngineApplication.NAME);

    private final BuiltInRule rule;
    private final KafkaTemplate<String, Object> kafka;
    private final Clock clock;
    private final EventDecoder decoder;
    private final BatchTransactions batches;

    RequestListener(BuiltInRule rule, KafkaTemplate<String, Object> kafka, Clock clock, EventDecoder decoder,
            BatchTransactions batches) {
        this.batches = batches;
        this.rule = rule;
        this.kafka = kafka;
        this.clock = clock;
        this.decoder = decoder;
    }

    @KafkaListener(id = LISTENER, topics = "lapse.access.requested",
            containerFactory = RawRecordConsumers.CONTAINER_FACTORY)
    void onRequested(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) {
        batches.process(LISTENER, records, consumer, this::decide);
    }

    private void decide(ConsumerRecord<String, byte[]> record) {
        AccessRequested event = decoder.decode(record, AccessRequested.class);
        Decision decision = rule.decide(toDomain(event));
        String requestId = event.getRequestId();
        if (decision instanceof Decision.Approve approve) {
                kafka.send(Topics.ACCESS_APPROVED.name(), requestId, AccessApproved.newBuilder()
                        .setEventId(EventIds.once("approved", requestId))
                        .setRequestId(requestId)
                        .setOccurredAt(clock.instant())
                        .setCausedBy(SELF)
                        .setRequester(event.getRequester())
                        .setResource(event.getResource())
                        .setScope(event.getScope())
                        .setApprovedDurationMs(approve.duration().toMillis())
                        .setPolicy(approve.policy())
                        .setApprovers(List.of())
                        .build());
                log.debug("Request {} approved by {} for {}: {}", requestId, approve.policy(), approve.duration(),
                    approve.reason());
        } else if (decision instanceof Decision.Deny deny) {
                kafka.send(Topics.ACCESS_DENIED.name(), requestId, AccessDenied.newBuilder()
                        .setEventId(EventIds.once("denied", requestId))
                        .setRequestId(requestId)
                        .setOccurredAt(clock.instant())
                        .setCausedBy(SELF)
                        .setRequesterId(event.getRequester().getId())
                        .setReason(deny.reason())
                        .setPolicy(deny.policy())
                        .build());
                log.debug("Request {} denied by {}: {}", requestId, deny.policy(), deny.reason());
        }
    }

    static AccessRequest toDomain(AccessRequested event) {
        return new AccessRequest(
                event.getRequestId(),
                event.getRequester().getId(),
                event.getRequester().getGroups(),
                event.getResource().getKind(),
                event.getResource().getName(),
                event.getScope().getActions(),
                event.getScope().getColumns(),
                Duration.ofMillis(event.getRequestedDurationMs()));
    }
}
