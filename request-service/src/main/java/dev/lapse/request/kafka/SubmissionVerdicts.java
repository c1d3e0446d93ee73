package dev.lapse.request.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a REST call waits for the gate's verdict on the submission it wrote: the timeline feed completes it when
 * it reads the request or rejection that carries the submission's eventId (in {@link IngressListener#SUBMISSION_HEADER}).
 * Going through Kafka, rather than asking a local cache, is what makes a 409 right even when another instance owns
 * the request's partition and even against a concurrent submission of the same id.
 */
public final class SubmissionVerdicts {

    /** The gate's answer to one submission. */
    public sealed interface Verdict {
        /** Accepted: the request is on its way to policy. */
        record Accepted() implements Verdict {
        }

        /** Refused, with every violation; a reused request id is the violation "duplicate requestId". */
        record Rejected(String reason, List<String> violations) implements Verdict {
            public Rejected {
                violations = List.copyOf(violations);
            }

            public boolean duplicate() {
                return violations.contains(IngressRejection.DUPLICATE);
            }
        }
    }

    private final Map<String, CompletableFuture<Verdict>> waiting = new ConcurrentHashMap<>();

    /** Starts waiting for the verdict on the submission with this eventId; call before writing it. */
    public CompletableFuture<Verdict> expect(String submissionEventId) {
        return waiting.computeIfAbsent(submissionEventId, id -> new CompletableFuture<>());
    }

    /** Stops waiting (the call timed out or the write failed). */
    public void forget(String submissionEventId) {
        waiting.remove(submissionEventId);
    }

    void decided(String submissionEventId, Verdict verdict) {
        CompletableFuture<Verdict> future = waiting.remove(submissionEventId);
        if (future != null) {
            future.complete(verdict);
        }
    }
}
