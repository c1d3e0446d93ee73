package dev.lapse.policy.decision;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** What policy looks at: who asks for which actions on which resource, and for how long. */
public record AccessRequest(
        String requestId,
        String requesterId,
        List<String> requesterGroups,
        String resourceKind,
        String resourceName,
        List<String> actions,
        List<String> columns,
        Duration requestedDuration) {

    public AccessRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(requesterId, "requesterId");
        requesterGroups = List.copyOf(requesterGroups);
        Objects.requireNonNull(resourceKind, "resourceKind");
        Objects.requireNonNull(resourceName, "resourceName");
        actions = List.copyOf(actions);
        columns = List.copyOf(columns);
        Objects.requireNonNull(requestedDuration, "requestedDuration");
    }
}
