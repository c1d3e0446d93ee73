package dev.lapse.policy.pending;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A request as it was asked for: what a decision taken later, on a vote or at the deadline, repeats in its event
 * (requester, resource, scope, the request whose grant it extends), and what the pending state keeps (reason, ticket).
 */
public record AskedAccess(
        String requestId,
        String requesterId,
        List<String> requesterGroups,
        String resourceKind,
        String resourceName,
        List<String> actions,
        List<String> columns,
        @Nullable String rowFilter,
        String reason,
        @Nullable String ticket,
        Duration requestedDuration,
        String sourceSystem,
        @Nullable String extendsRequestId) {

    public AskedAccess {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(requesterId, "requesterId");
        if (requestId.isBlank() || requesterId.isBlank()) {
            throw new IllegalArgumentException("requestId and requesterId must not be blank");
        }
        requesterGroups = List.copyOf(requesterGroups);
        Objects.requireNonNull(resourceKind, "resourceKind");
        Objects.requireNonNull(resourceName, "resourceName");
        actions = List.copyOf(actions);
        columns = List.copyOf(columns);
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(requestedDuration, "requestedDuration");
        Objects.requireNonNull(sourceSystem, "sourceSystem");
    }
}
