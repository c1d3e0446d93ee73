package dev.lapse.policy.approval;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A quorum as plain values (strings, lists, longs), so that any serialiser can store it and a restarted engine can
 * restore it with {@link ApprovalQuorum#restore(QuorumSnapshot)}. Times are milliseconds since the epoch (UTC);
 * group lists are sorted; votes are in the order they were recorded, which decides the assignment to tiers.
 */
public record QuorumSnapshot(String requesterId, List<TierSnapshot> tiers, long decideByEpochMillis,
        List<VoteSnapshot> votes) {

    /** One tier as plain values. */
    public record TierSnapshot(int required, List<String> groups) {
        public TierSnapshot {
            groups = List.copyOf(groups);
        }
    }

    /** One recorded vote as plain values; {@code choice} is {@code APPROVE} or {@code DENY}. */
    public record VoteSnapshot(String eventId, String voterId, List<String> voterGroups, String choice,
            @Nullable String comment, long castAtEpochMillis) {
        public VoteSnapshot {
            Objects.requireNonNull(eventId, "eventId");
            Objects.requireNonNull(voterId, "voterId");
            voterGroups = List.copyOf(voterGroups);
            Objects.requireNonNull(choice, "choice");
        }
    }

    public QuorumSnapshot {
        Objects.requireNonNull(requesterId, "requesterId");
        tiers = List.copyOf(tiers);
        votes = List.copyOf(votes);
    }
}
