package dev.lapse.grant.kafka;

import dev.lapse.event.AccessApproved;
import dev.lapse.event.AccessExpired;
import dev.lapse.event.AccessGranted;
import dev.lapse.event.AccessWithdrawn;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.grant.GrantIssuerApplication;
import dev.lapse.grant.issue.Grant;
import dev.lapse.schemas.EventIds;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.EventDecoder;
import dev.lapse.schemas.kafka.RawRecordConsumers;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Issues a grant for each approval and withdraws it on expiry, each in the transaction that consumed the cause.
 * Provisioning in a target (PostgreSQL roles) comes with the target adapters; until then the grant is the signed
 * fact on the topic and a withdrawal lists nothing withdrawn.
 */
@Component
class GrantListener {

    private static final Logger log = LoggerFactory.getLogger(GrantListener.class);
    private static final Actor SELF = new Actor(ActorKind.SERVICE, GrantIssuerApplication.NAME);

    private final KafkaTemplate<String, Object> kafka;
    private final Clock clock;
    private final EventDecoder decoder;

    GrantListener(KafkaTemplate<String, Object> kafka, Clock clock, EventDecoder decoder) {
        this.kafka = kafka;
        this.clock = clock;
        this.decoder = decoder;
    }

    @KafkaListener(id = "grant-approvals", topics = "lapse.access.approved",
            containerFactory = RawRecordConsumers.CONTAINER_FACTORY)
    void onApproved(ConsumerRecord<String, byte[]> record) {
        AccessApproved approved = decoder.decode(record, AccessApproved.class);
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
        log.info("Grant {} for request {} issued until {}", grant.grantId(), grant.requestId(), grant.expiresAt());
    }

    @KafkaListener(id = "grant-expiries", topics = "lapse.access.expired",
            containerFactory = RawRecordConsumers.CONTAINER_FACTORY)
    void onExpired(ConsumerRecord<String, byte[]> record) {
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
        log.info("Grant {} for request {} withdrawn ({})", expired.getGrantId(), expired.getRequestId(),
                expired.getReason());
    }
}
