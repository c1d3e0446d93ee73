package dev.lapse.request.timeline;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One lifecycle event as the timeline sees it. {@code summary} comes with the request itself; {@code grantId}
 * and {@code expiresAt} with the grant and its end; {@code approverGroups} with a request that awaits approval (its
 * members may see the request).
 */
public record TimelineEvent(
        String requestId,
        String eventId,
        Stage stage,
        Instant at,
        String by,
        String detail,
        @Nullable RequestSummary summary,
        @Nullable String grantId,
        @Nullable Instant expiresAt,
        List<String> approverGroups) {

    public TimelineEvent {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(at, "at");
        approverGroups = approverGroups == null ? List.of() : List.copyOf(approverGroups);
    }

    /** An event that names no approver groups. */
    public TimelineEvent(String requestId, String eventId, Stage stage, Instant at, String by, String detail,
            @Nullable RequestSummary summary, @Nullable String grantId, @Nullable Instant expiresAt) {
        this(requestId, eventId, stage, at, by, detail, summary, grantId, expiresAt, List.of());
    }

    /** This event, naming {@code groups} as the request's approver groups. */
    public TimelineEvent withApproverGroups(List<String> groups) {
        return new TimelineEvent(requestId, eventId, stage, at, by, detail, summary, grantId, expiresAt, groups);
    }

    /** What was asked for: shown at the top of a timeline. */
    public record RequestSummary(String requesterId, String resource, String scope, String reason, long durationMs,
            String sourceSystem) {
    }
}
