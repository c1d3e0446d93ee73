package dev.lapse.policy.approval;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Where a request stands on its approvals: still pending, approved, denied, or timed out. */
public sealed interface ApprovalOutcome
        permits ApprovalOutcome.Pending, ApprovalOutcome.Approved, ApprovalOutcome.Denied, ApprovalOutcome.TimedOut {

    /** Whether the request is decided for good (anything but pending). */
    default boolean isFinal() {
        return !(this instanceof Pending);
    }

    /**
     * Still waiting for approvals.
     *
     * @param tiers how each tier stands under the current assignment of approvers to tiers
     * @param groupsThatCanApprove an approval by a member of any of these groups would bring the request closer to
     *     approval (possibly by letting an earlier approver move to another tier); members of other approver groups
     *     may still vote, and may deny, but their approval would not count
     * @param excludedVoters who can no longer change anything by voting: the requester and everyone who voted
     */
    record Pending(List<TierProgress> tiers, Set<String> groupsThatCanApprove, Set<String> excludedVoters)
            implements ApprovalOutcome {
        public Pending {
            tiers = List.copyOf(tiers);
            groupsThatCanApprove = ApprovalRequirement.sorted(groupsThatCanApprove);
            excludedVoters = ApprovalRequirement.sorted(excludedVoters);
        }

        /** How many approvals are still missing over all tiers. */
        public int missing() {
            return tiers.stream().mapToInt(TierProgress::missing).sum();
        }
    }

    /** How one tier stands: who approves in it, and how many approvals it still misses. */
    record TierProgress(ApprovalRequirement.Tier tier, List<String> approvers) {
        public TierProgress {
            Objects.requireNonNull(tier, "tier");
            approvers = List.copyOf(approvers);
        }

        /** Approvals this tier still needs. */
        public int missing() {
            return Math.max(0, tier.required() - approvers.size());
        }
    }

    /**
     * Every tier is met.
     *
     * @param approvers the approvers whose votes meet the requirement, in the order they voted
     * @param byTier for each tier, in the requirement's order, the approvers counted in it (each counted once)
     */
    record Approved(List<String> approvers, List<List<String>> byTier) implements ApprovalOutcome {
        public Approved {
            approvers = List.copyOf(approvers);
            byTier = byTier.stream().map(List::copyOf).toList();
        }
    }

    /** An eligible approver denied; one deny ends the request. */
    record Denied(String by, @Nullable String comment) implements ApprovalOutcome {
        public Denied {
            Objects.requireNonNull(by, "by");
        }
    }

    /** The deadline came before the requirement was met or anyone denied. */
    record TimedOut(Instant deadline) implements ApprovalOutcome {
        public TimedOut {
            Objects.requireNonNull(deadline, "deadline");
        }
    }
}
