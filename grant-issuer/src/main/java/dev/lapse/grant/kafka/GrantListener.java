package dev.lapse.grant.kafka;

import dev.lapse.event.AccessApproved;
import dev.lapse.event.AccessExpired;
import dev.lapse.event.AccessGranted;
import dev.lapse.event.AccessWithdrawn;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.grant.GrantIssuerApplication;
import dev.lapse.grant.issue.Grant;
import dev.lapse.grant.issue.GrantId;
import dev.lapse.schemas.EventIds;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.BatchTransactions;
import dev.lapse.schemas.kafka.EventDecoder;
import dev.lapse.schemas.kafka.RawRecordConsumers;
import dev.lapse.schemas.kafka.SeenRequests;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.stereotype.Component;

/**
 * Issues a grant for each approval and withdraws it on expiry, each in the transaction that consumes the cause's
 * poll batch. A
 * request is granted at most once: the ids of issued grants are durable state (a compacted topic written in the
 * same transaction, read back for the partitions this instance owns), and a second approval is ignored.
 * Provisioning in a target (PostgreSQL roles) comes with the target adapters; until then the grant is the signed
 * fact on the topic and a withdrawal lists nothing withdrawn.
 */
@Component
class GrantListener implements ConsumerSeekAware {

    private static final String APPROVALS = "grant-approvals";
    private static final String EXPIRIES = "grant-expiries";
    private static final Logger log = LoggerFactory.getLogger(GrantListener.class);
    private static final Actor SELF = new Actor(ActorKind.SERVICE, GrantIssuerApplication.NAME);

    private final KafkaTemplate<String, Object> kafka;
    private final SeenRequests issued;
    private final Clock clock;
    private final EventDecoder decoder;
    private final BatchTransactions batches;

    GrantListener(KafkaTemplate<String, Object> kafka, SeenRequests issuedGrants, Clock clock, EventDecoder decoder,
            BatchTransactions batches) {
        this.batches = batches;
        this.kafka = kafka;
        this.issued = issuedGrants;
        this.clock = clock;
        this.decoder = decoder;
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        issued.assigned(assignments.keySet());
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        issued.revoked(partitions);
    }

    @KafkaListener(id = APPROVALS, topics = "lapse.access.approved",
            containerFactory = RawRecordConsumers.CONTAINER_FACTORY)
    void onApproved(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) {
        batches.process(APPROVALS, records, consumer, this::issue);
    }

    private void issue(ConsumerRecord<String, byte[]> record) {
        AccessApproved approved = decoder.decode(record, AccessApproved.class);
        if (issued.claimedByAnother(approved.getRequestId(), record)) {
            // The last line of "one request, at most one grant": a replayed approval changes no scope or expiry.
            log.warn("Request {} already has its grant {}; approval {} changes nothing", approved.getRequestId(),
                    GrantId.of(approved.getRequestId()), approved.getEventId());
            return;
        }
        Grant grant = Grant.issue(approved.getRequestId(), Duration.ofMillis(approved.getApprovedDurationMs()),
                clock.instant());
        kafka.send(Topics.ACCESS_GRANTED.name(), grant.requestId(), AccessGranted.newBuilder()
                .setEventId(EventIds.once("granted", grant.requestId()))
                .setRequestId(grant.requestId())
                .setGrantId(grant.grantId().value())
                .setOccurredAt(grant.grantedAt())
                .setCausedBy(SELF)
                .setRequester(approved.getRequester())
                .setResource(approved.getResource())
                .setScope(approved.getScope())
                .setGrantedAt(grant.grantedAt())
                .setExpiresAt(grant.expiresAt())
                .build());
        kafka.send(issued.remember(grant.requestId(), record, approved.getEventId(), grant.grantedAt()));
        log.debug("Grant {} for request {} issued until {}", grant.grantId(), grant.requestId(), grant.expiresAt());
    }

    @KafkaListener(id = EXPIRIES, topics = "lapse.access.expired",
            containerFactory = RawRecordConsumers.CONTAINER_FACTORY)
    void onExpired(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) {
        batches.process(EXPIRIES, records, consumer, this::withdraw);
    }

    private void withdraw(ConsumerRecord<String, byte[]> record) {
        AccessExpired expired = decoder.decode(record, AccessExpired.class);
        kafka.send(Topics.ACCESS_WITHDRAWN.name(), expired.getRequestId(), AccessWithdrawn.newBuilder()
                .setEventId(EventIds.once("withdrawn", expired.getRequestId()))
                .setRequestId(expired.getRequestId())
                .setGrantId(expired.getGrantId())
                .setOccurredAt(clock.instant())
                .setCausedBy(SELF)
                .setRequesterId(expired.getRequesterId())
                .setWithdrawn(List.of())
                .build());
        log.debug("Grant {} for request {} withdrawn ({})", expired.getGrantId(), expired.getRequestId(),
                expired.getReason());
    }
}
