package dev.lapse.policy.pending;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** What one vote did to a pending request. */
public sealed interface VoteOutcome
        permits VoteOutcome.StillPending, VoteOutcome.Decisive, VoteOutcome.Duplicate, VoteOutcome.Refused {

    /** The vote is recorded and the request still waits: store the request as it now stands. */
    record StillPending(PendingRequest request) implements VoteOutcome {
        public StillPending {
            Objects.requireNonNull(request, "request");
        }
    }

    /** The vote decided the request. */
    record Decisive(Decided decision) implements VoteOutcome {
        public Decisive {
            Objects.requireNonNull(decision, "decision");
        }
    }

    /** The vote was counted already (the same event again, or the same voter saying the same again). */
    record Duplicate(String why) implements VoteOutcome {
        public Duplicate {
            Objects.requireNonNull(why, "why");
        }
    }

    /**
     * The vote does not count. When it came after the deadline of a request still pending, that request times out
     * now: {@code timedOut} is that decision, to be published with the refusal.
     */
    record Refused(VoteRefusal refusal, String why, Decided.@Nullable TimedOut timedOut) implements VoteOutcome {
        public Refused {
            Objects.requireNonNull(refusal, "refusal");
            Objects.requireNonNull(why, "why");
        }
    }
}
