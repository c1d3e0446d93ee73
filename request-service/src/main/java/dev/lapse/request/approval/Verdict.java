package dev.lapse.request.approval;

import java.util.Objects;

/** Whether a caller may do what they ask on a request, and if not, why in words they can act on. */
public sealed interface Verdict permits Verdict.Allowed, Verdict.Refused {

    /** Allowed: go on and write it. */
    record Allowed() implements Verdict {
    }

    /** Refused, with the kind of refusal (which the REST edge maps to 404, 403 or 409) and the reason. */
    record Refused(Refusal refusal, String reason) implements Verdict {
        public Refused {
            Objects.requireNonNull(refusal, "refusal");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Kinds of refusal. */
    enum Refusal {
        /** No such request or grant, or none the caller may see. */
        UNKNOWN,
        /** The caller may not do this on this request. */
        FORBIDDEN,
        /** Not now: the request is decided, timed out, or the grant is over. */
        TOO_LATE
    }

    /** A refusal. */
    static Verdict refused(Refusal refusal, String reason) {
        return new Refused(refusal, reason);
    }
}
