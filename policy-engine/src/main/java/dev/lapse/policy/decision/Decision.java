package dev.lapse.policy.decision;

import java.time.Duration;
import java.util.Objects;

/** The outcome of evaluating a request, carrying its reason and the policy that decided. */
public sealed interface Decision permits Decision.Approve, Decision.Deny {

    /** Name of the policy or rule that decided. */
    String policy();

    /** Approved for {@code duration}: never longer than asked for, nor than the policy allows. */
    record Approve(Duration duration, String policy, String reason) implements Decision {
        public Approve {
            Objects.requireNonNull(duration, "duration");
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("an approval needs a positive duration, got " + duration);
            }
        }
    }

    /** Denied, for a reason a requester can act on. */
    record Deny(String reason, String policy) implements Decision {
    }
}
