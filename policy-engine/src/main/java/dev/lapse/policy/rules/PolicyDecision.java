package dev.lapse.policy.rules;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** The outcome of the rules for one request: approve, deny or require approvals; always naming the rules. */
public sealed interface PolicyDecision permits PolicyDecision.Approve, PolicyDecision.Deny, PolicyDecision.Require {

    /** Names of the rules that produced the decision ({@link PolicySet#DEFAULT_DENY} when none matched). */
    List<String> rules();

    /** Why, in words a requester can act on. */
    String reason();

    /** Approved now for {@code duration} (never longer than asked, nor than any matching rule's cap). */
    record Approve(Duration duration, boolean breakGlass, String reason, List<String> rules) implements PolicyDecision {
        public Approve {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("an approval needs a positive duration, got " + duration);
            }
            Objects.requireNonNull(reason, "reason");
            rules = List.copyOf(rules);
        }
    }

    /** Denied. */
    record Deny(String reason, List<String> rules) implements PolicyDecision {
        public Deny {
            Objects.requireNonNull(reason, "reason");
            rules = List.copyOf(rules);
        }
    }

    /**
     * Pending until every tier is met (then approved for {@code duration}), or denied as timed out after
     * {@code pendingTimeout}.
     */
    record Require(List<ApprovalTier> tiers, Duration duration, Duration pendingTimeout, String reason,
            List<String> rules) implements PolicyDecision {
        public Require {
            tiers = List.copyOf(tiers);
            if (tiers.isEmpty()) {
                throw new IllegalArgumentException("a requirement needs at least one tier");
            }
            Objects.requireNonNull(duration, "duration");
            Objects.requireNonNull(pendingTimeout, "pendingTimeout");
            Objects.requireNonNull(reason, "reason");
            rules = List.copyOf(rules);
        }
    }
}
