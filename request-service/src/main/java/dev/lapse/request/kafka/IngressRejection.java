package dev.lapse.request.kafka;

import dev.lapse.schemas.kafka.RejectedRecordException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** An ingress submission that was read but cannot be accepted; it names its requester, so it can be told why. */
final class IngressRejection extends RejectedRecordException {

    /** The one violation of a submission that reuses the id of a request already accepted. */
    static final String DUPLICATE = "duplicate requestId";

    private final @Nullable String requestId;
    private final @Nullable String requesterId;
    private final String sourceSystem;
    private final @Nullable String submissionEventId;

    private IngressRejection(String reason, @Nullable String requestId, @Nullable String requesterId,
            String sourceSystem, List<String> violations, @Nullable String submissionEventId) {
        super(reason, violations);
        this.requestId = requestId;
        this.requesterId = requesterId;
        this.sourceSystem = sourceSystem;
        this.submissionEventId = submissionEventId;
    }

    /** A submission that breaks the rules. */
    static IngressRejection invalid(@Nullable String requestId, @Nullable String requesterId, String sourceSystem,
            List<String> violations, @Nullable String submissionEventId) {
        return new IngressRejection("invalid request: " + String.join("; ", violations), requestId, requesterId,
                sourceSystem, violations, submissionEventId);
    }

    /** A submission from a source system that may not name requesters: refused whatever it asks for. */
    static IngressRejection untrusted(@Nullable String requestId, @Nullable String requesterId, String sourceSystem,
            String reason, @Nullable String submissionEventId) {
        return new IngressRejection(reason, requestId, requesterId, sourceSystem, List.of(reason),
                submissionEventId);
    }

    /** A valid submission whose request id was accepted before: it is refused whatever it asks for. */
    static IngressRejection duplicate(String requestId, String requesterId, String sourceSystem,
            String submissionEventId) {
        return new IngressRejection(DUPLICATE + ": request " + requestId + " was already accepted; a request is"
                + " submitted once, and a new one needs a new requestId", requestId, requesterId, sourceSystem,
                List.of(DUPLICATE), submissionEventId);
    }

    @Nullable String requestId() {
        return requestId;
    }

    @Nullable String requesterId() {
        return requesterId;
    }

    String sourceSystem() {
        return sourceSystem;
    }

    /** The eventId of the submission, which the rejection carries in a header so its submitter can find it. */
    @Nullable String submissionEventId() {
        return submissionEventId;
    }
}
