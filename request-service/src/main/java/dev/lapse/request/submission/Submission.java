package dev.lapse.request.submission;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An access request as submitted, before validation: every field may be missing or wrong, which is exactly what
 * {@link SubmissionValidator} reports on. REST bodies and ingress events are both mapped to this.
 */
public record Submission(
        @Nullable String requestId,
        @Nullable String requesterId,
        List<String> requesterGroups,
        @Nullable String resourceKind,
        @Nullable String resourceName,
        List<String> actions,
        List<String> columns,
        @Nullable String rowFilter,
        @Nullable String reason,
        @Nullable String ticket,
        @Nullable Duration duration,
        String sourceSystem,
        boolean breakGlass,
        @Nullable String extendsRequestId) {

    public Submission {
        requesterGroups = requesterGroups == null ? List.of() : List.copyOf(requesterGroups);
        actions = actions == null ? List.of() : List.copyOf(actions);
        columns = columns == null ? List.of() : List.copyOf(columns);
    }

    /** A submission that invokes no break-glass and extends no grant. */
    public Submission(@Nullable String requestId, @Nullable String requesterId, List<String> requesterGroups,
            @Nullable String resourceKind, @Nullable String resourceName, List<String> actions, List<String> columns,
            @Nullable String rowFilter, @Nullable String reason, @Nullable String ticket, @Nullable Duration duration,
            String sourceSystem) {
        this(requestId, requesterId, requesterGroups, resourceKind, resourceName, actions, columns, rowFilter, reason,
                ticket, duration, sourceSystem, false, null);
    }
}
