package dev.lapse.request.kafka;

import dev.lapse.schemas.kafka.RejectedRecordException;
import java.util.List;

/** An ingress submission that was read but breaks the rules; it names its requester, so it can be told why. */
final class IngressRejection extends RejectedRecordException {

    private final String requestId;
    private final String requesterId;
    private final String sourceSystem;

    IngressRejection(String requestId, String requesterId, String sourceSystem, List<String> violations) {
        super("invalid request: " + String.join("; ", violations), violations);
        this.requestId = requestId;
        this.requesterId = requesterId;
        this.sourceSystem = sourceSystem;
    }

    String requestId() {
        return requestId;
    }

    String requesterId() {
        return requesterId;
    }

    String sourceSystem() {
        return sourceSystem;
    }
}
