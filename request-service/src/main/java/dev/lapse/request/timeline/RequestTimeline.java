package dev.lapse.request.timeline;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A request's whole life so far: what was asked for, where it stands, every step with its time, how long it took
 * from submission to grant, and the groups asked to approve it (empty when none were).
 */
public record RequestTimeline(
        String requestId,
        Stage status,
        TimelineEvent.@Nullable RequestSummary request,
        @Nullable String grantId,
        @Nullable Instant expiresAt,
        @Nullable Long submittedToGrantedMs,
        List<Step> steps,
        List<String> approverGroups) {

    /** The requester, when the request itself has been seen (a submission rejected at the gate names none here). */
    public @Nullable String requesterId() {
        return request == null ? null : request.requesterId();
    }

    /** One step: what happened, when, caused by whom, and a line of detail. */
    public record Step(Stage stage, Instant at, String by, String detail) {
    }
}
