package dev.lapse.request.timeline;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One lifecycle event as the timeline sees it. {@code summary} comes with the request itself; {@code grantId}
 * and {@code expiresAt} with the grant and its end; {@code approvalNeeded} with a request that waits for votes, and
 * {@code vote} with each vote cast on it.
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
        @Nullable ApprovalNeeded approvalNeeded,
        @Nullable CastVote vote) {

    public TimelineEvent {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(at, "at");
    }

    /** An event that says nothing about approvals. */
    public TimelineEvent(String requestId, String eventId, Stage stage, Instant at, String by, String detail,
            @Nullable RequestSummary summary, @Nullable String grantId, @Nullable Instant expiresAt) {
        this(requestId, eventId, stage, at, by, detail, summary, grantId, expiresAt, null, null);
    }

    /**
     * What was asked for: shown at the top of a timeline. {@code access} is the same in structured form, which an
     * extension copies; it is null only in timelines built by hand.
     */
    public record RequestSummary(String requesterId, String resource, String scope, String reason, long durationMs,
            String sourceSystem, @Nullable RequestedAccess access) {

        /** A summary without the structured access. */
        public RequestSummary(String requesterId, String resource, String scope, String reason, long durationMs,
                String sourceSystem) {
            this(requesterId, resource, scope, reason, durationMs, sourceSystem, null);
        }
    }

    /** The resource and scope a request names, as fields, plus what links it to break-glass or an earlier grant. */
    public record RequestedAccess(String resourceKind, String resourceName, List<String> actions,
            List<String> columns, @Nullable String rowFilter, @Nullable String ticket, boolean breakGlass,
            @Nullable String extendsRequestId) {
        public RequestedAccess {
            actions = List.copyOf(actions);
            columns = List.copyOf(columns);
        }
    }

    /** Who must approve: every tier, each {@code required} people from {@code groups}, before {@code decideBy}. */
    public record ApprovalNeeded(List<Tier> tiers, Instant decideBy) {
        public ApprovalNeeded {
            tiers = List.copyOf(tiers);
        }
    }

    /** One tier of approvers. */
    public record Tier(int required, List<String> groups) {
        public Tier {
            groups = List.copyOf(groups);
        }
    }

    /** One vote as cast: who, which choice ({@code APPROVE}, {@code DENY}, {@code WITHDRAW}), when. */
    public record CastVote(String voter, String choice, Instant at) {
    }
}
