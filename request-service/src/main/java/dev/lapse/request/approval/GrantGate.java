package dev.lapse.request.approval;

import dev.lapse.request.identity.Caller;
import dev.lapse.request.timeline.RequestTimeline;
import dev.lapse.request.timeline.Stage;
import java.time.Instant;

/**
 * Decides whether a requester may end their grant early ("I'm done") or extend it: only the grant's own requester,
 * and only while the grant is in force.
 */
public final class GrantGate {

    private GrantGate() {
    }

    /** Whether {@code caller} may end or extend the grant of the request whose timeline this is, at {@code now}. */
    public static Verdict check(RequestTimeline timeline, Caller caller, Instant now) {
        if (!caller.id().equals(timeline.requesterId())) {
            return Verdict.refused(Verdict.Refusal.FORBIDDEN, "only the grant's requester may end or extend it");
        }
        if (timeline.status() != Stage.GRANTED || timeline.expiresAt() == null
                || !now.isBefore(timeline.expiresAt())) {
            return Verdict.refused(Verdict.Refusal.TOO_LATE, "grant " + timeline.grantId() + " is no longer in force"
                    + " (status " + timeline.status() + ")");
        }
        return new Verdict.Allowed();
    }
}
