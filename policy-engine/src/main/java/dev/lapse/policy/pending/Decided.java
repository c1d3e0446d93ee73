package dev.lapse.policy.pending;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** How a pending request ended; each names the request as it stood, so the decision event can be built from it. */
public sealed interface Decided permits Decided.Approved, Decided.Denied, Decided.Withdrawn, Decided.TimedOut {

    /** The request as it stood when it was decided (with the deciding vote, if a vote decided it). */
    PendingRequest request();

    /** Every tier is met: approved for the request's duration. */
    record Approved(PendingRequest request, List<String> approvers) implements Decided {
        public Approved {
            Objects.requireNonNull(request, "request");
            approvers = List.copyOf(approvers);
        }
    }

    /** An eligible approver denied. */
    record Denied(PendingRequest request, String voterId, @Nullable String comment) implements Decided {
        public Denied {
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(voterId, "voterId");
        }

        /** What the requester reads: who denied, and why if they said. */
        public String reason() {
            return "denied by " + voterId + (comment == null || comment.isBlank() ? "" : ": " + comment);
        }
    }

    /** The requester took the request back. */
    record Withdrawn(PendingRequest request) implements Decided {
        /** What the requester reads. */
        public static final String REASON = "withdrawn by the requester";

        public Withdrawn {
            Objects.requireNonNull(request, "request");
        }
    }

    /** Nobody decided before the deadline. */
    record TimedOut(PendingRequest request) implements Decided {
        public TimedOut {
            Objects.requireNonNull(request, "request");
        }

        /** What the requester reads: how long the request waited. */
        public String reason() {
            Duration timeout = request.pendingTimeout();
            return "no decision within " + timeout;
        }
    }
}
