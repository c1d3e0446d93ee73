package dev.lapse.policy.pending;

import dev.lapse.policy.approval.VoteResult;
import java.util.Locale;

/** Why a vote changed nothing; {@link #tag()} is the value of the refused-votes counter's {@code reason} tag. */
public enum VoteRefusal {
    /** The requester approved or denied their own request. */
    REQUESTER,
    /** The voter is in none of the approver groups of any tier. */
    NOT_AN_APPROVER,
    /** The voter already voted otherwise; the first vote stands. */
    ALREADY_VOTED,
    /** The request is already decided (seen by the quorum itself). */
    DECIDED,
    /** The deadline has passed; the request times out instead. */
    DEADLINE_PASSED,
    /** No request of that id is pending here: unknown, or decided already. */
    NOT_PENDING,
    /** Someone other than the requester tried to withdraw the request. */
    NOT_THE_REQUESTER;

    /** The lower-case name, as metrics tag it. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    static VoteRefusal of(VoteResult.Refusal refusal) {
        return switch (refusal) {
            case REQUESTER -> REQUESTER;
            case NOT_AN_APPROVER -> NOT_AN_APPROVER;
            case ALREADY_VOTED -> ALREADY_VOTED;
            case DECIDED -> DECIDED;
            case DEADLINE_PASSED -> DEADLINE_PASSED;
        };
    }
}
