package dev.lapse.request.timeline;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A request's whole life so far: what was asked for, where it stands, every step with its time, and how long
 * it took from submission to grant; for a request that waited for votes, who had to approve and who voted.
 */
public record RequestTimeline(
        String requestId,
        Stage status,
        TimelineEvent.@Nullable RequestSummary request,
        @Nullable String grantId,
        @Nullable Instant expiresAt,
        @Nullable Long submittedToGrantedMs,
        @Nullable Approval approval,
        List<Step> steps) {

    /** One step: what happened, when, caused by whom, and a line of detail. */
    public record Step(Stage stage, Instant at, String by, String detail) {
    }

    /** The approval a request waits or waited for, and the votes cast on it in the order they were seen. */
    public record Approval(List<TimelineEvent.Tier> tiers, Instant decideBy, List<TimelineEvent.CastVote> votes) {
        public Approval {
            tiers = List.copyOf(tiers);
            votes = List.copyOf(votes);
        }
    }

    /** Whether the request still waits for a decision on its approval. */
    public boolean awaitsVotes() {
        return approval != null && (status == Stage.PENDING_APPROVAL || status == Stage.VOTED);
    }

    /** The groups asked to approve the request, in every tier; empty when none were (its members may read it). */
    public List<String> approverGroups() {
        return approval == null ? List.of() : approval.tiers().stream().flatMap(tier -> tier.groups().stream())
                .distinct().sorted().toList();
    }

    /** The id of whoever asked, if the request itself has been seen (a submission rejected at the gate names none). */
    public @Nullable String requesterId() {
        return request == null ? null : request.requesterId();
    }
}
