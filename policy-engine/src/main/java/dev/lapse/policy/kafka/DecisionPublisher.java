package dev.lapse.policy.kafka;

import dev.lapse.event.AccessApproved;
import dev.lapse.event.AccessDenied;
import dev.lapse.event.AccessRequested;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.event.ApprovalPending;
import dev.lapse.event.ApprovalTier;
import dev.lapse.event.Requester;
import dev.lapse.event.Resource;
import dev.lapse.event.Scope;
import dev.lapse.policy.PolicyEngineApplication;
import dev.lapse.policy.pending.AskedAccess;
import dev.lapse.policy.pending.Decided;
import dev.lapse.policy.pending.PendingRequest;
import dev.lapse.policy.rules.Bundle;
import dev.lapse.policy.rules.PolicyDecision;
import dev.lapse.schemas.EventIds;
import dev.lapse.schemas.Topics;
import dev.lapse.schemas.kafka.Partitions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes decisions and the pending state through the service's template, inside the transaction that is
 * running on the calling thread. A decision's {@code policy} names the rules that produced it, joined with commas;
 * every request has at most one decision, so each decision's event id is derived from the request id.
 */
final class DecisionPublisher {

    /** The resource kind of a request for a requestable role (a bundle), whose name is the resource's name. */
    static final String BUNDLE = "bundle";
    private static final Actor SELF = new Actor(ActorKind.SERVICE, PolicyEngineApplication.NAME);
    private static final Logger log = LoggerFactory.getLogger(DecisionPublisher.class);

    private final KafkaTemplate<String, Object> kafka;

    DecisionPublisher(KafkaTemplate<String, Object> kafka) {
        this.kafka = kafka;
    }

    /** The rules' names as a decision's {@code policy}. */
    static String policy(List<String> rules) {
        return String.join(",", rules);
    }

    /** Approved by the rules alone (or by break-glass). */
    void approved(AccessRequested request, PolicyDecision.Approve approve, Instant now) {
        approval(request.getRequestId(), request.getRequester(), request.getResource(), request.getScope(),
                approve.duration(), approve.rules(), List.of(), approve.breakGlass(), request.getExtendsRequestId(),
                null, now);
    }

    /** The one approval a request ever gets: its event id is derived from the request id. */
    private void approval(String requestId, Requester requester, Resource resource, Scope scope, Duration duration,
            List<String> rules, List<String> approvers, boolean breakGlass, @Nullable String extendsRequestId,
            @Nullable String partOf, Instant now) {
        kafka.send(Topics.ACCESS_APPROVED.name(), requestId, AccessApproved.newBuilder()
                .setEventId(EventIds.once("approved", requestId))
                .setRequestId(requestId)
                .setOccurredAt(now)
                .setCausedBy(SELF)
                .setRequester(requester)
                .setResource(resource)
                .setScope(scope)
                .setApprovedDurationMs(duration.toMillis())
                .setPolicy(policy(rules))
                .setApprovers(approvers)
                .setBreakGlass(breakGlass)
                .setExtendsRequestId(extendsRequestId)
                .setPartOf(partOf)
                .build());
    }

    /**
     * The parts of an approved bundle: each scope approved as a request of its own, keyed by its own id (the bundle
     * request's id plus {@code .part-N}), so each becomes one grant with its own expiry; {@code partOf} links them.
     * Part ids and event ids are derived, so a decision made again writes the same records.
     */
    void parts(AskedAccess bundleRequest, @Nullable Bundle bundle, Duration duration, List<String> rules,
            List<String> approvers, boolean breakGlass, Instant now) {
        if (bundle == null) {
            log.warn("Bundle request {} was approved, but bundle {} is no longer defined: nothing is granted",
                    bundleRequest.requestId(), bundleRequest.resourceName());
            return;
        }
        for (int i = 0; i < bundle.scopes().size(); i++) {
            Bundle.Scope scope = bundle.scopes().get(i);
            String partId = partId(bundleRequest.requestId(), i + 1);
            approval(partId, StateRecords.requester(bundleRequest), new Resource(scope.resourceKind(),
                    scope.resourceName()), new Scope(scope.actions(), scope.columns(), null), duration, rules,
                    approvers, breakGlass, null, bundleRequest.requestId(), now);
        }
    }

    /** The request id of the {@code n}th scope (from 1) of a bundle request. */
    static String partId(String bundleRequestId, int n) {
        return bundleRequestId + ".part-" + n;
    }

    /** Denied by the rules. */
    void denied(AccessRequested request, PolicyDecision.Deny deny, Instant now) {
        denied(request.getRequestId(), request.getRequester().getId(), deny.reason(), deny.rules(), now);
    }

    /** Put on hold for votes: announced, and kept as durable state. */
    void pending(PendingRequest pending, Instant now) {
        String requestId = pending.requestId();
        List<ApprovalTier> tiers = pending.quorum().requirement().tiers().stream()
                .map(tier -> new ApprovalTier(tier.required(), List.copyOf(tier.groups()))).toList();
        kafka.send(Topics.APPROVAL_PENDING.name(), requestId, ApprovalPending.newBuilder()
                .setEventId(EventIds.once("pending", requestId))
                .setRequestId(requestId)
                .setOccurredAt(now)
                .setCausedBy(SELF)
                .setRequiredApprovals(tiers.stream().mapToInt(ApprovalTier::getRequired).sum())
                .setApproverGroups(List.copyOf(pending.quorum().requirement().approverGroups()))
                .setDecideBy(pending.decideBy())
                .setPolicy(policy(pending.rules()))
                .setTiers(tiers)
                .setRules(pending.rules())
                .build());
        state(pending);
    }

    /** A vote was recorded and the request still waits: its durable state with the vote. */
    void state(PendingRequest pending) {
        kafka.send(new ProducerRecord<>(Topics.PENDING_APPROVALS_STATE.name(), Partitions.of(pending.requestId()),
                pending.requestId(), StateRecords.state(pending)));
    }

    /** A pending request is decided: its decision, and a tombstone for its state. */
    void decided(Decided decided, Instant now) {
        PendingRequest pending = decided.request();
        AskedAccess asked = pending.asked();
        String requestId = pending.requestId();
        if (decided instanceof Decided.Approved approved) {
            approval(requestId, StateRecords.requester(asked), StateRecords.resource(asked), StateRecords.scope(asked),
                    pending.duration(), pending.rules(), approved.approvers(), false, asked.extendsRequestId(), null,
                    now);
        } else {
            denied(requestId, asked.requesterId(), reason(decided), pending.rules(), now);
        }
        kafka.send(new ProducerRecord<>(Topics.PENDING_APPROVALS_STATE.name(), Partitions.of(requestId), requestId,
                null));
    }

    /** What the requester reads about a pending request that was not approved. */
    static String reason(Decided decided) {
        if (decided instanceof Decided.Denied denied) {
            return denied.reason();
        }
        if (decided instanceof Decided.TimedOut timedOut) {
            return timedOut.reason();
        }
        if (decided instanceof Decided.Withdrawn) {
            return Decided.Withdrawn.REASON;
        }
        return "approved";
    }

    private void denied(String requestId, String requesterId, String reason, List<String> rules, Instant now) {
        kafka.send(Topics.ACCESS_DENIED.name(), requestId, AccessDenied.newBuilder()
                .setEventId(EventIds.once("denied", requestId))
                .setRequestId(requestId)
                .setOccurredAt(now)
                .setCausedBy(SELF)
                .setRequesterId(requesterId)
                .setReason(reason)
                .setPolicy(policy(rules))
                .build());
    }
}
