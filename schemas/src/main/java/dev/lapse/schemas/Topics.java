package dev.lapse.schemas;

import dev.lapse.event.AccessApproved;
import dev.lapse.event.AccessDenied;
import dev.lapse.event.AccessExpired;
import dev.lapse.event.AccessGranted;
import dev.lapse.event.AccessRejected;
import dev.lapse.event.AccessRequested;
import dev.lapse.event.AccessWithdrawn;
import dev.lapse.event.ApprovalPending;
import dev.lapse.event.ApprovalVoteCast;
import dev.lapse.event.RevocationRequested;
import dev.lapse.state.PendingApproval;
import dev.lapse.state.RequestSeen;
import dev.lapse.state.WatchedGrant;
import java.util.List;

/**
 * The register of every Lapse topic. Every record on these topics is keyed by its request id, and every topic
 * has the same partition count, so one request's whole life is ordered on one partition and one service
 * instance owns whole requests.
 */
public final class Topics {

    /**
     * Partitions of every lifecycle topic. Changing it re-maps keys to partitions, so it is part of the contract
     * and not a setting: a deployment that needs more starts with more.
     */
    public static final int PARTITIONS = 6;

    /** Ingress: other systems publish requests here; request-service validates them. */
    public static final Topic<String, AccessRequested> ACCESS_SUBMITTED =
            topic("lapse.access.submitted", AccessRequested.class, Writer.EXTERNAL);

    /** Validated requests, from REST and from the ingress alike. */
    public static final Topic<String, AccessRequested> ACCESS_REQUESTED =
            topic("lapse.access.requested", AccessRequested.class, Writer.REQUEST_SERVICE);

    /** Submissions that could not be accepted, each with its reason. */
    public static final Topic<String, AccessRejected> ACCESS_REJECTED =
            topic("lapse.access.rejected", AccessRejected.class, Writer.REQUEST_SERVICE);

    /** Approvers' votes on pending requests. */
    public static final Topic<String, ApprovalVoteCast> APPROVAL_VOTES =
            topic("lapse.approval.votes", ApprovalVoteCast.class, Writer.REQUEST_SERVICE);

    /** Requests that wait for approval votes. */
    public static final Topic<String, ApprovalPending> APPROVAL_PENDING =
            topic("lapse.approval.pending", ApprovalPending.class, Writer.POLICY_ENGINE);

    /** Requests policy approved, with the scope and duration it allows. */
    public static final Topic<String, AccessApproved> ACCESS_APPROVED =
            topic("lapse.access.approved", AccessApproved.class, Writer.POLICY_ENGINE);

    /** Requests policy denied. */
    public static final Topic<String, AccessDenied> ACCESS_DENIED =
            topic("lapse.access.denied", AccessDenied.class, Writer.POLICY_ENGINE);

    /** Grants in place, each with its expiry instant. */
    public static final Topic<String, AccessGranted> ACCESS_GRANTED =
            topic("lapse.access.granted", AccessGranted.class, Writer.GRANT_ISSUER);

    /** Requests to end a grant early: people via request-service, and grant-issuer for a grant an extension ends. */
    public static final Topic<String, RevocationRequested> REVOCATION_REQUESTED =
            topic("lapse.revocation.requested", RevocationRequested.class, Writer.REQUEST_SERVICE);

    /** Grants whose time elapsed or that were revoked. */
    public static final Topic<String, AccessExpired> ACCESS_EXPIRED =
            topic("lapse.access.expired", AccessExpired.class, Writer.REVOKER);

    /** Grants withdrawn from their target. */
    public static final Topic<String, AccessWithdrawn> ACCESS_WITHDRAWN =
            topic("lapse.access.withdrawn", AccessWithdrawn.class, Writer.GRANT_ISSUER);

    /** Every lifecycle topic, in the order of a request's life. */
    public static final List<Topic<String, ?>> LIFECYCLE = List.of(
            ACCESS_SUBMITTED, ACCESS_REQUESTED, ACCESS_REJECTED, APPROVAL_PENDING, APPROVAL_VOTES,
            ACCESS_APPROVED, ACCESS_DENIED, ACCESS_GRANTED, REVOCATION_REQUESTED, ACCESS_EXPIRED,
            ACCESS_WITHDRAWN);

    /** The lifecycle topics whose records are written by Lapse itself (everything but the ingress). */
    public static final List<Topic<String, ?>> INTERNAL = LIFECYCLE.stream()
            .filter(topic -> topic.writer() != Writer.EXTERNAL)
            .toList();

    /**
     * revoker's durable state: every grant it watches (and every revocation held for a grant not seen yet), keyed
     * by request id, compacted, partitioned like the lifecycle topics so that partition p of the state belongs to
     * whoever owns partition p of the grants. Written in the same transaction as the consumed offsets.
     */
    public static final Topic<String, WatchedGrant> REVOKER_STATE =
            topic("lapse.state.revoker.active-grants", WatchedGrant.class, Writer.REVOKER);

    /** request-service's durable state: every request id it accepted, so a second submission is refused. */
    public static final Topic<String, RequestSeen> ACCEPTED_REQUESTS_STATE =
            topic("lapse.state.request-service.accepted-requests", RequestSeen.class, Writer.REQUEST_SERVICE);

    /** grant-issuer's durable state: every request it issued a grant for, so no request is granted twice. */
    public static final Topic<String, RequestSeen> ISSUED_GRANTS_STATE =
            topic("lapse.state.grant-issuer.issued-grants", RequestSeen.class, Writer.GRANT_ISSUER);

    /**
     * grant-issuer's durable state: every grant it provisioned in a target and has not withdrawn yet, as its
     * Granted event, keyed by request id, compacted (a withdrawal writes a tombstone). Reconciliation compares it
     * with the grants present in each target.
     */
    public static final Topic<String, AccessGranted> PROVISIONED_GRANTS_STATE =
            topic("lapse.state.grant-issuer.provisioned-grants", AccessGranted.class, Writer.GRANT_ISSUER);

    /**
     * policy-engine's durable state: every request waiting for approval votes, with its requirement and the votes
     * recorded so far, keyed by request id, compacted (a decision writes a tombstone), partitioned like
     * {@link #ACCESS_REQUESTED} and {@link #APPROVAL_VOTES} so that whoever owns their partition p owns its state.
     * Written in the same transaction as the consumed offsets and the decision.
     */
    public static final Topic<String, PendingApproval> PENDING_APPROVALS_STATE =
            topic("lapse.state.policy-engine.pending-approvals", PendingApproval.class, Writer.POLICY_ENGINE);

    /** Service-internal state topics (compacted; not lifecycle events, not audited). */
    public static final List<Topic<String, ?>> STATE = List.of(REVOKER_STATE, ACCEPTED_REQUESTS_STATE,
            ISSUED_GRANTS_STATE, PROVISIONED_GRANTS_STATE, PENDING_APPROVALS_STATE);

    /** Prefix of every state topic's name. */
    public static final String STATE_PREFIX = "lapse.state.";

    private Topics() {
    }

    private static <V> Topic<String, V> topic(String name, Class<V> valueType, Writer writer) {
        return new Topic<>(name, String.class, valueType, PARTITIONS, writer);
    }

    /** Looks a topic up by name. */
    public static java.util.Optional<Topic<String, ?>> byName(String name) {
        return LIFECYCLE.stream().filter(topic -> topic.name().equals(name)).findFirst();
    }
}
