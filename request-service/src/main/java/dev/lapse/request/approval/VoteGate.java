package dev.lapse.request.approval;

import dev.lapse.request.identity.Caller;
import dev.lapse.request.timeline.RequestTimeline;
import dev.lapse.request.timeline.TimelineEvent;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides whether a vote may be written at all: the requester never votes on their own request (they may only
 * withdraw it), a voter must be in one of the request's approver groups, and a decided or timed-out request takes no
 * more votes. The policy-engine applies the same rules again when it counts the vote, since anyone able to write to
 * the votes topic bypasses this gate; this one exists to answer a person 403 or 409 at once instead of silently.
 */
public final class VoteGate {

    private VoteGate() {
    }

    /** Whether {@code caller} may cast {@code choice} on the request whose timeline this is, at {@code now}. */
    public static Verdict check(RequestTimeline timeline, Caller caller, Choice choice, Instant now) {
        Objects.requireNonNull(timeline, "timeline");
        String requesterId = timeline.requesterId();
        RequestTimeline.Approval approval = timeline.approval();
        if (approval == null || requesterId == null) {
            return Verdict.refused(Verdict.Refusal.TOO_LATE, "request " + timeline.requestId()
                    + " does not wait for votes (status " + timeline.status() + ")");
        }
        boolean isRequester = requesterId.equals(caller.id());
        if (choice == Choice.WITHDRAW) {
            if (!isRequester) {
                return Verdict.refused(Verdict.Refusal.FORBIDDEN, "only the requester may withdraw a request");
            }
        } else {
            if (isRequester) {
                return Verdict.refused(Verdict.Refusal.FORBIDDEN, "you cannot vote on your own request");
            }
            if (!caller.inAnyOf(approverGroups(approval.tiers()))) {
                return Verdict.refused(Verdict.Refusal.FORBIDDEN, "only members of "
                        + approverGroups(approval.tiers()) + " may vote on this request");
            }
        }
        if (!timeline.awaitsVotes()) {
            return Verdict.refused(Verdict.Refusal.TOO_LATE, "request " + timeline.requestId()
                    + " is already decided (status " + timeline.status() + ")");
        }
        if (!now.isBefore(approval.decideBy())) {
            return Verdict.refused(Verdict.Refusal.TOO_LATE, "request " + timeline.requestId()
                    + " timed out at " + approval.decideBy());
        }
        return new Verdict.Allowed();
    }

    /** Whether {@code caller} has already voted approve or deny on the request. */
    public static boolean hasVoted(RequestTimeline timeline, Caller caller) {
        return timeline.approval() != null && timeline.approval().votes().stream()
                .anyMatch(vote -> vote.voter().equals(caller.id()) && !vote.choice().equals(Choice.WITHDRAW.name()));
    }

    /** The requests in {@code awaiting} that {@code caller} may still vote on, in the order given. */
    public static List<RequestTimeline> inbox(List<RequestTimeline> awaiting, Caller caller, Instant now) {
        return awaiting.stream()
                .filter(timeline -> check(timeline, caller, Choice.APPROVE, now) instanceof Verdict.Allowed)
                .filter(timeline -> !hasVoted(timeline, caller))
                .toList();
    }

    private static Set<String> approverGroups(List<TimelineEvent.Tier> tiers) {
        Set<String> groups = new TreeSet<>();
        tiers.forEach(tier -> groups.addAll(tier.groups()));
        return groups;
    }
}
