package dev.lapse.request.approval;

import dev.lapse.request.identity.Caller;
import dev.lapse.request.submission.Submission;
import dev.lapse.request.timeline.RequestTimeline;
import dev.lapse.request.timeline.TimelineEvent;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An extension: a new request for the same access as a grant in force, linked to it. It is decided by the same
 * policies as any request; the old grant is untouched until the new one is granted, and then ends.
 */
public final class Extension {

    private Extension() {
    }

    /**
     * The submission that extends the grant of {@code timeline} for {@code duration} more, asked by {@code caller}
     * (who {@link GrantGate} has checked is its requester).
     *
     * @throws IllegalStateException if the timeline lacks the structured request (a timeline built by hand)
     */
    public static Submission of(RequestTimeline timeline, Caller caller, @Nullable Duration duration,
            @Nullable String reason, @Nullable String ticket) {
        TimelineEvent.RequestSummary request = timeline.request();
        TimelineEvent.RequestedAccess access = request == null ? null : request.access();
        if (access == null) {
            throw new IllegalStateException("request " + timeline.requestId() + " has no structured access to extend");
        }
        return new Submission(null, caller.id(), List.copyOf(caller.groups()), access.resourceKind(),
                access.resourceName(), access.actions(), access.columns(), access.rowFilter(),
                reason == null || reason.isBlank() ? "extends grant " + timeline.grantId() + ": " + request.reason()
                        : reason,
                ticket != null ? ticket : access.ticket(), duration, "rest", false, timeline.requestId());
    }
}
