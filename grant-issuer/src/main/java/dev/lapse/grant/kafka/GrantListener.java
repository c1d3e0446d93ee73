package dev.lapse.grant.kafka;

import dev.lapse.event.AccessApproved;
import dev.lapse.event.AccessDenied;
import dev.lapse.event.AccessExpired;
import dev.lapse.event.AccessGranted;
import dev.lapse.event.AccessWithdrawn;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.event.RevocationRequested;
import dev.lapse.grant.GrantIssuerApplication;
import dev.lapse.grant.issue.Grant;
import dev.lapse.grant.issue.GrantId;
import dev.lapse.grant.target.GrantSpec;
import dev.lapse.grant.target.Provisioning;
import dev.lapse.grant.target.Target;
import dev.lapse.grant.target.Targets;
import dev.lapse.schemas.EventIds;
import dev.lapse.schemas.GrantIds;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.BatchTransactions;
import dev.lapse.schemas.kafka.EventDecoder;
import dev.lapse.schemas.kafka.RawRecordConsumers;
import dev.lapse.schemas.kafka.SeenRequests;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.stereotype.Component;

/**
 * Issues a grant for each approval and withdraws it on expiry, each in the transaction that consumes the cause's
 * poll batch.
 *
 * <p>A request is granted at most once: the ids of issued grants are durable state (a compacted topic written in the
 * same transaction, read back for the partitions this instance owns), and a second approval is ignored.
 *
 * <p>When the resource's kind names a configured {@link Target}, the grant is provisioned there before it is
 * announced, and {@code Granted} lists what was done; a grant the target refuses (a table, column or role that does
 * not exist, an unsupported action) is announced as {@code Denied} with the target's reason instead, so a request
 * never sticks between approved and granted. The grant-issuer checks the catalog rather than the policy-engine
 * because it is the only service that talks to targets. Provisioning is idempotent and all-or-nothing in the
 * target, so redoing a batch after an abort changes nothing twice. A target that is down throws, and the record's
 * partition waits and retries; nothing is parked for it.
 *
 * <p>An expiry withdraws the grant from every configured target, a poll batch at a time with bounded concurrency
 * ({@link Withdrawals}), then announces {@code Withdrawn} with what was withdrawn.
 */
@Component
class GrantListener implements ConsumerSeekAware {

    private static final String APPROVALS = "grant-approvals";
    private static final String EXPIRIES = "grant-expiries";
    /** Names the target check as the "policy" of a denial the grant-issuer makes. */
    static final String TARGET_CHECK = "grant-issuer:target-check";
    /** The resource kind of a request for a requestable role (a bundle). */
    private static final String BUNDLE = "bundle";
    private static final Logger log = LoggerFactory.getLogger(GrantListener.class);
    private static final Actor SELF = new Actor(ActorKind.SERVICE, GrantIssuerApplication.NAME);

    private final KafkaTemplate<String, Object> kafka;
    private final SeenRequests issued;
    private final Clock clock;
    private final EventDecoder decoder;
    private final BatchTransactions batches;
    private final Targets targets;
    private final Withdrawals withdrawals;
    private final ExpiryFence fence;

    GrantListener(KafkaTemplate<String, Object> kafka, SeenRequests issuedGrants, Clock clock, EventDecoder decoder,
            BatchTransactions batches, Targets targets, Withdrawals withdrawals, ExpiryFence fence) {
        this.fence = fence;
        this.batches = batches;
        this.kafka = kafka;
        this.issued = issuedGrants;
        this.clock = clock;
        this.decoder = decoder;
        this.targets = targets;
        this.withdrawals = withdrawals;
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        issued.assigned(assignments.keySet());
        fence.assigned(assignments.keySet());
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        issued.revoked(partitions);
        fence.revoked(partitions);
    }

    @KafkaListener(id = APPROVALS, topics = "lapse.access.approved",
            containerFactory = RawRecordConsumers.CONTAINER_FACTORY)
    void onApproved(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) {
        batches.process(APPROVALS, records, consumer, this::issue);
    }

    private void issue(ConsumerRecord<String, byte[]> record) {
        AccessApproved approved = decoder.decode(record, AccessApproved.class);
        String requestId = approved.getRequestId();
        if (BUNDLE.equals(approved.getResource().getKind())) {
            // A requestable role is granted through its parts: each scope is approved as a request of its own.
            log.debug("Request {} for bundle {} is granted through its parts", requestId,
                    approved.getResource().getName());
            return;
        }
        if (issued.claimedByAnother(requestId, record)) {
            // The last line of "one request, at most one grant": a replayed approval changes no scope or expiry.
            log.warn("Request {} already has its grant {}; approval {} changes nothing", requestId,
                    GrantId.of(requestId), approved.getEventId());
            return;
        }
        Grant grant = Grant.issue(requestId, Duration.ofMillis(approved.getApprovedDurationMs()), clock.instant());
        Optional<Target> target = targets.forKind(approved.getResource().getKind());
        List<String> provisioned = List.of();
        if (target.isPresent()) {
            GrantSpec spec = GrantSpecs.of(grant.grantId().value(), requestId, approved.getRequester(),
                    approved.getResource(), approved.getScope(), grant.grantedAt(), grant.expiresAt());
            Provisioning outcome = target.get().provision(spec);
            if (outcome instanceof Provisioning.Refused refused) {
                deny(approved, target.get().name(), refused.reason(), record);
                return;
            }
            provisioned = ((Provisioning.Provisioned) outcome).done();
        }
        AccessGranted granted = AccessGranted.newBuilder()
                .setEventId(EventIds.once("granted", requestId))
                .setRequestId(requestId)
                .setGrantId(grant.grantId().value())
                .setOccurredAt(grant.grantedAt())
                .setCausedBy(SELF)
                .setRequester(approved.getRequester())
                .setResource(approved.getResource())
                .setScope(approved.getScope())
                .setGrantedAt(grant.grantedAt())
                .setExpiresAt(grant.expiresAt())
                .setProvisioned(provisioned)
                .setBreakGlass(approved.getBreakGlass())
                .build();
        kafka.send(Topics.ACCESS_GRANTED.name(), requestId, granted);
        if (target.isPresent()) {
            kafka.send(Topics.PROVISIONED_GRANTS_STATE.name(), requestId, granted);
        }
        if (approved.getExtendsRequestId() != null) {
            supersede(approved.getExtendsRequestId(), requestId, granted);
        }
        kafka.send(issued.remember(requestId, record, approved.getEventId(), grant.grantedAt()));
        log.debug("Grant {} for request {} issued until {}", grant.grantId(), requestId, grant.expiresAt());
    }

    /**
     * An extension's grant is in place, so the grant it extends ends now, in the same transaction: never before
     * (the old grant is untouched while the extension waits or if it is refused), never twice (a replayed approval
     * stops above). The revocation is keyed by the old request, so whichever revoker owns it ends it.
     */
    private void supersede(String oldRequestId, String requestId, AccessGranted granted) {
        kafka.send(Topics.REVOCATION_REQUESTED.name(), oldRequestId, RevocationRequested.newBuilder()
                .setEventId(EventIds.once("superseded", requestId))
                .setRequestId(oldRequestId)
                .setGrantId(GrantIds.of(oldRequestId))
                .setOccurredAt(granted.getGrantedAt())
                .setCausedBy(SELF)
                .setReason("superseded by grant " + granted.getGrantId() + " of extension request " + requestId)
                .build());
        log.info("Grant {} of request {} extends request {}: its grant {} ends now", granted.getGrantId(),
                requestId, oldRequestId, GrantIds.of(oldRequestId));
    }

    private void deny(AccessApproved approved, String target, String reason, ConsumerRecord<String, byte[]> record) {
        String requestId = approved.getRequestId();
        kafka.send(Topics.ACCESS_DENIED.name(), requestId, AccessDenied.newBuilder()
                .setEventId(EventIds.once("target-denied", requestId))
                .setRequestId(requestId)
                .setOccurredAt(clock.instant())
                .setCausedBy(SELF)
                .setRequesterId(approved.getRequester().getId())
                .setReason("target " + target + " cannot grant this: " + reason)
                .setPolicy(TARGET_CHECK)
                .build());
        // Remembered like a grant, so a replayed approval meets a decided request instead of a second check.
        kafka.send(issued.remember(requestId, record, approved.getEventId(), clock.instant()));
        log.info("Request {} approved but refused by target {}: {}", requestId, target, reason);
    }

    @KafkaListener(id = EXPIRIES, topics = "lapse.access.expired",
            containerFactory = RawRecordConsumers.CONTAINER_FACTORY)
    void onExpired(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) {
        // The batch's withdrawals run side by side first (bounded); the transaction then announces them in order.
        Map<ConsumerRecord<String, byte[]>, CompletableFuture<List<String>>> started = new IdentityHashMap<>();
        if (!targets.isEmpty()) {
            for (ConsumerRecord<String, byte[]> record : records) {
                try {
                    started.put(record, withdrawals.start(decoder.decode(record, AccessExpired.class)));
                } catch (RuntimeException unreadable) {
                    // Left to the record's own handling below, which parks it with its reason.
                }
            }
        }
        batches.process(EXPIRIES, records, consumer, record -> withdraw(record, started.get(record)));
    }

    private void withdraw(ConsumerRecord<String, byte[]> record,
            @Nullable CompletableFuture<List<String>> started) {
        AccessExpired expired = decoder.decode(record, AccessExpired.class);
        List<String> done = started != null ? Withdrawals.join(started) : withdrawals.withdraw(expired);
        kafka.send(Topics.ACCESS_WITHDRAWN.name(), expired.getRequestId(), AccessWithdrawn.newBuilder()
                .setEventId(EventIds.once("withdrawn", expired.getRequestId()))
                .setRequestId(expired.getRequestId())
                .setGrantId(expired.getGrantId())
                .setOccurredAt(clock.instant())
                .setCausedBy(SELF)
                .setRequesterId(expired.getRequesterId())
                .setWithdrawn(done)
                .build());
        if (!targets.isEmpty()) {
            kafka.send(Topics.PROVISIONED_GRANTS_STATE.name(), expired.getRequestId(), null);
        }
        log.debug("Grant {} for request {} withdrawn ({}): {}", expired.getGrantId(), expired.getRequestId(),
                expired.getReason(), done);
    }
}
