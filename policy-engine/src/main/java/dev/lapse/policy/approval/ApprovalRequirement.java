package dev.lapse.policy.approval;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Who must approve a request before it is granted: every tier must be met, the requester never counts, and the
 * request times out at {@code decideBy} if it is still pending.
 *
 * <p>The deadline is kept to the millisecond, because events carry time to the millisecond and the quorum's
 * snapshot must restore exactly what was stored.
 */
public record ApprovalRequirement(String requesterId, List<Tier> tiers, Instant decideBy) {

    /** One tier: {@code required} distinct approvers, each a member of at least one of {@code groups}. */
    public record Tier(int required, Set<String> groups) {
        public Tier {
            if (required < 1) {
                throw new IllegalArgumentException("a tier needs at least one approval, got " + required);
            }
            if (groups.isEmpty()) {
                throw new IllegalArgumentException("a tier needs at least one approver group");
            }
            for (String group : groups) {
                if (group.isBlank()) {
                    throw new IllegalArgumentException("an approver group must not be blank");
                }
            }
            groups = sorted(groups);
        }

        /** Whether a member of {@code voterGroups} may approve in this tier. */
        public boolean admits(Set<String> voterGroups) {
            return voterGroups.stream().anyMatch(groups::contains);
        }
    }

    public ApprovalRequirement {
        Objects.requireNonNull(requesterId, "requesterId");
        if (requesterId.isBlank()) {
            throw new IllegalArgumentException("requesterId must not be blank");
        }
        tiers = List.copyOf(tiers);
        if (tiers.isEmpty()) {
            throw new IllegalArgumentException("an approval requirement needs at least one tier");
        }
        decideBy = decideBy.truncatedTo(ChronoUnit.MILLIS);
    }

    /** A requirement of a single tier, the shape of today's {@code ApprovalPending} event. */
    public static ApprovalRequirement single(String requesterId, int required, Set<String> groups, Instant decideBy) {
        return new ApprovalRequirement(requesterId, List.of(new Tier(required, groups)), decideBy);
    }

    /** Every group whose members may vote, in any tier. */
    public SortedSet<String> approverGroups() {
        TreeSet<String> all = new TreeSet<>();
        tiers.forEach(tier -> all.addAll(tier.groups()));
        return Collections.unmodifiableSortedSet(all);
    }

    /** Whether a member of {@code voterGroups} may vote at all: a member of some tier's groups. */
    public boolean admits(Set<String> voterGroups) {
        return tiers.stream().anyMatch(tier -> tier.admits(voterGroups));
    }

    static SortedSet<String> sorted(Set<String> values) {
        return Collections.unmodifiableSortedSet(new TreeSet<>(values));
    }
}
