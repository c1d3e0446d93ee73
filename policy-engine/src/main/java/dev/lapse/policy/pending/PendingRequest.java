package dev.lapse.policy.pending;

import dev.lapse.policy.approval.ApprovalQuorum;
import dev.lapse.policy.approval.ApprovalRequirement;
import dev.lapse.policy.rules.PolicyDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * A request waiting for approval votes: the request as asked, the votes gathered so far (with the requirement and
 * its deadline), the rules that asked for approval, and what an approval gives ({@code duration}).
 *
 * @param pendingTimeout how long the request may wait from when it became pending; the deadline itself is the
 *     quorum's {@code decideBy}
 */
public record PendingRequest(AskedAccess asked, ApprovalQuorum quorum, List<String> rules, Duration duration,
        Duration pendingTimeout) {

    public PendingRequest {
        Objects.requireNonNull(asked, "asked");
        Objects.requireNonNull(quorum, "quorum");
        rules = List.copyOf(rules);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("an approval needs a positive duration, got " + duration);
        }
        Objects.requireNonNull(pendingTimeout, "pendingTimeout");
        if (!quorum.requirement().requesterId().equals(asked.requesterId())) {
            throw new IllegalArgumentException("the quorum of request " + asked.requestId() + " is for requester "
                    + quorum.requirement().requesterId() + ", not " + asked.requesterId());
        }
    }

    /**
     * The request {@code require} puts on hold at {@code now}: no votes yet, decided by {@code now} plus the
     * requirement's pending timeout.
     */
    public static PendingRequest open(AskedAccess asked, PolicyDecision.Require require, Instant now) {
        List<ApprovalRequirement.Tier> tiers = require.tiers().stream()
                .map(tier -> new ApprovalRequirement.Tier(tier.count(), new HashSet<>(tier.groups())))
                .toList();
        ApprovalQuorum quorum = ApprovalQuorum.open(new ApprovalRequirement(asked.requesterId(), tiers,
                now.plus(require.pendingTimeout())));
        return new PendingRequest(asked, quorum, require.rules(), require.duration(), require.pendingTimeout());
    }

    /** The request's id. */
    public String requestId() {
        return asked.requestId();
    }

    /** When the request is denied as timed out if it is still pending. */
    public Instant decideBy() {
        return quorum.requirement().decideBy();
    }

    /** The same request with {@code next} votes. */
    PendingRequest with(ApprovalQuorum next) {
        return new PendingRequest(asked, next, rules, duration, pendingTimeout);
    }
}
