package dev.lapse.request.timeline;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One lifecycle event as the timeline sees it. {@code summary} comes with the request itself; {@code grantId}
 * and {@code expiresAt} with the grant and its end.
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
        @Nullable Instant expiresAt) {

    public TimelineEvent {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(at, "at");
    }

    /** What was asked for: shown at the top of a timeline. */
    public record RequestSummary(String requesterId, String resource, String scope, String reason, long durationMs,
            String sourceSystem) {
    }
}
