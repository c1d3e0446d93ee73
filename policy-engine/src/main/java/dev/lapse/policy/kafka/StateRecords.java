package dev.lapse.policy.kafka;

import dev.lapse.event.AccessRequested;
import dev.lapse.event.ApprovalTier;
import dev.lapse.event.Requester;
import dev.lapse.event.Resource;
import dev.lapse.event.Scope;
import dev.lapse.event.Vote;
import dev.lapse.policy.approval.ApprovalQuorum;
import dev.lapse.policy.approval.QuorumSnapshot;
import dev.lapse.policy.pending.AskedAccess;
import dev.lapse.policy.pending.PendingRequest;
import dev.lapse.state.PendingApproval;
import dev.lapse.state.RecordedVote;
import java.time.Duration;
import java.time.Instant;

/** Maps requests and pending requests between their Avro records and the domain. */
final class StateRecords {

    private StateRecords() {
    }

    /** The request as asked, from its event. */
    static AskedAccess asked(AccessRequested event) {
        return new AskedAccess(event.getRequestId(), event.getRequester().getId(), event.getRequester().getGroups(),
                event.getResource().getKind(), event.getResource().getName(), event.getScope().getActions(),
                event.getScope().getColumns(), event.getScope().getRowFilter(), event.getReason(), event.getTicket(),
                Duration.ofMillis(event.getRequestedDurationMs()), event.getSourceSystem(),
                event.getExtendsRequestId());
    }

    /** The durable state of a pending request. */
    static PendingApproval state(PendingRequest pending) {
        AskedAccess asked = pending.asked();
        QuorumSnapshot snapshot = pending.quorum().snapshot();
        return PendingApproval.newBuilder()
                .setRequestId(asked.requestId())
                .setRequester(requester(asked))
                .setResource(resource(asked))
                .setScope(scope(asked))
                .setReason(asked.reason())
                .setTicket(asked.ticket())
                .setRequestedDurationMs(asked.requestedDuration().toMillis())
                .setSourceSystem(asked.sourceSystem())
                .setExtendsRequestId(asked.extendsRequestId())
                .setApprovedDurationMs(pending.duration().toMillis())
                .setPendingTimeoutMs(pending.pendingTimeout().toMillis())
                .setRules(pending.rules())
                .setTiers(snapshot.tiers().stream()
                        .map(tier -> new ApprovalTier(tier.required(), tier.groups())).toList())
                .setDecideBy(Instant.ofEpochMilli(snapshot.decideByEpochMillis()))
                .setVotes(snapshot.votes().stream().map(vote -> RecordedVote.newBuilder()
                        .setEventId(vote.eventId())
                        .setVoter(vote.voterId())
                        .setVoterGroups(vote.voterGroups())
                        .setVote(Vote.valueOf(vote.choice()))
                        .setComment(vote.comment())
                        .setCastAt(Instant.ofEpochMilli(vote.castAtEpochMillis()))
                        .build()).toList())
                .build();
    }

    /**
     * The pending request a durable state describes; its votes are replayed through the quorum's rules.
     *
     * @throws IllegalArgumentException if the state could not have been written by this service (a vote the rules
     *     would not record, a negative duration, ...)
     */
    static PendingRequest pending(PendingApproval state) {
        AskedAccess asked = new AskedAccess(state.getRequestId(), state.getRequester().getId(),
                state.getRequester().getGroups(), state.getResource().getKind(), state.getResource().getName(),
                state.getScope().getActions(), state.getScope().getColumns(), state.getScope().getRowFilter(),
                state.getReason(), state.getTicket(), Duration.ofMillis(state.getRequestedDurationMs()),
                state.getSourceSystem(), state.getExtendsRequestId());
        QuorumSnapshot snapshot = new QuorumSnapshot(asked.requesterId(),
                state.getTiers().stream()
                        .map(tier -> new QuorumSnapshot.TierSnapshot(tier.getRequired(), tier.getGroups())).toList(),
                state.getDecideBy().toEpochMilli(),
                state.getVotes().stream().map(vote -> new QuorumSnapshot.VoteSnapshot(vote.getEventId(),
                        vote.getVoter(), vote.getVoterGroups(), vote.getVote().name(), vote.getComment(),
                        vote.getCastAt().toEpochMilli())).toList());
        return new PendingRequest(asked, ApprovalQuorum.restore(snapshot), state.getRules(),
                Duration.ofMillis(state.getApprovedDurationMs()), Duration.ofMillis(state.getPendingTimeoutMs()));
    }

    static Requester requester(AskedAccess asked) {
        return new Requester(asked.requesterId(), asked.requesterGroups());
    }

    static Resource resource(AskedAccess asked) {
        return new Resource(asked.resourceKind(), asked.resourceName());
    }

    static Scope scope(AskedAccess asked) {
        return new Scope(asked.actions(), asked.columns(), asked.rowFilter());
    }
}
