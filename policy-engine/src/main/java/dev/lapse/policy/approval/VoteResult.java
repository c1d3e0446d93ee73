package dev.lapse.policy.approval;

import java.util.Objects;

/**
 * What casting one ballot did: recorded it, recognised it as already recorded, or refused it. Each result carries
 * the quorum to keep (the old one unless the ballot was recorded) and the outcome as of the time of the vote.
 */
public sealed interface VoteResult permits VoteResult.Recorded, VoteResult.Duplicate, VoteResult.Refused {

    /** The quorum after this ballot: store it in place of the old one. */
    ApprovalQuorum quorum();

    /** Where the request stands after this ballot. */
    ApprovalOutcome outcome();

    /** The ballot is recorded; the outcome may now be final. */
    record Recorded(ApprovalQuorum quorum, ApprovalOutcome outcome) implements VoteResult {
        public Recorded {
            Objects.requireNonNull(quorum, "quorum");
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    /**
     * The ballot was already recorded (the same event delivered again, or the same voter saying the same thing
     * again in a new event); nothing changed.
     */
    record Duplicate(ApprovalQuorum quorum, ApprovalOutcome outcome) implements VoteResult {
        public Duplicate {
            Objects.requireNonNull(quorum, "quorum");
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    /** The ballot does not count, for a reason a voter can read; nothing changed. */
    record Refused(Refusal refusal, String reason, ApprovalQuorum quorum, ApprovalOutcome outcome)
            implements VoteResult {
        public Refused {
            Objects.requireNonNull(refusal, "refusal");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(quorum, "quorum");
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    /** Why a ballot was refused; the first two are about who votes (403), the rest about the request's state (409). */
    enum Refusal {
        /** The requester voted on their own request. */
        REQUESTER,
        /** The voter is in none of the approver groups of any tier. */
        NOT_AN_APPROVER,
        /** The voter already voted otherwise; the first vote stands. */
        ALREADY_VOTED,
        /** The request is already approved or denied. */
        DECIDED,
        /** The deadline has passed; the request timed out. */
        DEADLINE_PASSED
    }
}
