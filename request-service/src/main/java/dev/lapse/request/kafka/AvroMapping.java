package dev.lapse.request.kafka;

import dev.lapse.event.AccessApproved;
import dev.lapse.event.AccessDenied;
import dev.lapse.event.AccessExpired;
import dev.lapse.event.AccessGranted;
import dev.lapse.event.AccessRejected;
import dev.lapse.event.AccessRequested;
import dev.lapse.event.AccessWithdrawn;
import dev.lapse.event.Actor;
import dev.lapse.event.ApprovalPending;
import dev.lapse.event.ApprovalVoteCast;
import dev.lapse.event.Requester;
import dev.lapse.event.Resource;
import dev.lapse.event.RevocationRequested;
import dev.lapse.event.Scope;
import dev.lapse.request.submission.Submission;
import dev.lapse.request.timeline.Stage;
import dev.lapse.request.timeline.TimelineEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Translates between Avro events and request-service's domain records. Public for {@link #timelineEvent}, which the
 * benchmarks' read-model probe feeds the read model with, so that it measures what the service keeps.
 */
public final class AvroMapping {

    private AvroMapping() {
    }

    /** The submission an ingress event makes; requester, resource and scope are required by the schema. */
    static Submission submission(AccessRequested event) {
        return new Submission(event.getRequestId(), event.getRequester().getId(), event.getRequester().getGroups(),
                event.getResource().getKind(), event.getResource().getName(), event.getScope().getActions(),
                event.getScope().getColumns(), event.getScope().getRowFilter(), event.getReason(), event.getTicket(),
                Duration.ofMillis(event.getRequestedDurationMs()), event.getSourceSystem(), event.getBreakGlass(),
                event.getExtendsRequestId());
    }

    /** The validated request, with actions in upper case: the one spelling downstream services see. */
    static AccessRequested accessRequested(Submission submission, String requestId, Instant at, Actor causedBy) {
        return AccessRequested.newBuilder()
                .setEventId(dev.lapse.schemas.EventIds.once("requested", requestId))
                .setRequestId(requestId)
                .setOccurredAt(at)
                .setCausedBy(causedBy)
                .setRequester(new Requester(submission.requesterId(), submission.requesterGroups()))
                .setResource(new Resource(submission.resourceKind(), submission.resourceName()))
                .setScope(new Scope(submission.actions().stream().map(a -> a.toUpperCase(Locale.ROOT)).toList(),
                        submission.columns(), submission.rowFilter()))
                .setReason(submission.reason())
                .setTicket(submission.ticket())
                .setRequestedDurationMs(submission.duration().toMillis())
                .setSourceSystem(submission.sourceSystem())
                .setBreakGlass(submission.breakGlass())
                .setExtendsRequestId(submission.extendsRequestId())
                .build();
    }

    /** A REST submission as it is written to the ingress topic, under an eventId of its own. */
    static AccessRequested submissionEvent(Submission submission, String requestId, String eventId, Instant at,
            Actor causedBy) {
        AccessRequested event = accessRequested(submission, requestId, at, causedBy);
        event.setEventId(eventId);
        return event;
    }

    /** The timeline's view of a lifecycle event, or empty for a type the timeline does not show. */
    public static Optional<TimelineEvent> timelineEvent(Object value) {
        if (value instanceof AccessRequested e) {
            return Optional.of(event(e.getRequestId(), e.getEventId(), Stage.REQUESTED, e.getOccurredAt(),
                    e.getCausedBy(), "requested " + String.join(",", e.getScope().getActions()) + " on "
                            + e.getResource().getName() + " for " + Duration.ofMillis(e.getRequestedDurationMs()),
                    new TimelineEvent.RequestSummary(e.getRequester().getId(),
                            e.getResource().getKind() + ":" + e.getResource().getName(), scope(e.getScope()),
                            e.getReason(), e.getRequestedDurationMs(), e.getSourceSystem(), access(e)),
                    null, null));
        }
        if (value instanceof AccessRejected e) {
            return Optional.of(event(e.getRequestId(), e.getEventId(), Stage.REJECTED, e.getOccurredAt(),
                    e.getCausedBy(), e.getReason(), null, null, null));
        }
        if (value instanceof ApprovalPending e) {
            TimelineEvent.ApprovalNeeded needed = approvalNeeded(e);
            return Optional.of(new TimelineEvent(e.getRequestId(), e.getEventId(), Stage.PENDING_APPROVAL,
                    e.getOccurredAt(), actor(e.getCausedBy()), "approval needed from " + needed.tiers().stream()
                            .map(tier -> tier.required() + " of " + tier.groups())
                            .collect(Collectors.joining(" and ")) + " by " + e.getDecideBy(),
                    null, null, null, needed, null));
        }
        if (value instanceof ApprovalVoteCast e) {
            return Optional.of(new TimelineEvent(e.getRequestId(), e.getEventId(), Stage.VOTED, e.getOccurredAt(),
                    actor(e.getCausedBy()), e.getVoter() + " voted " + e.getVote()
                            + (e.getComment() == null ? "" : ": " + e.getComment()), null, null, null, null,
                    new TimelineEvent.CastVote(e.getVoter(), e.getVote().name(), e.getOccurredAt())));
        }
        if (value instanceof AccessApproved e) {
            // A bundle's part has no request of its own: its approval says what it gives, and to whom.
            TimelineEvent.RequestSummary part = e.getPartOf() == null ? null : new TimelineEvent.RequestSummary(
                    e.getRequester().getId(), e.getResource().getKind() + ":" + e.getResource().getName(),
                    scope(e.getScope()), "part of bundle request " + e.getPartOf(), e.getApprovedDurationMs(),
                    "bundle", new TimelineEvent.RequestedAccess(e.getResource().getKind(), e.getResource().getName(),
                            e.getScope().getActions(), e.getScope().getColumns(), e.getScope().getRowFilter(), null,
                            e.getBreakGlass(), null));
            return Optional.of(event(e.getRequestId(), e.getEventId(), Stage.APPROVED, e.getOccurredAt(),
                    e.getCausedBy(), "approved by " + e.getPolicy() + " for "
                            + Duration.ofMillis(e.getApprovedDurationMs())
                            + (e.getPartOf() == null ? "" : ", part of bundle request " + e.getPartOf()), part, null,
                    null));
        }
        if (value instanceof AccessDenied e) {
            return Optional.of(event(e.getRequestId(), e.getEventId(), Stage.DENIED, e.getOccurredAt(),
                    e.getCausedBy(), e.getReason(), null, null, null));
        }
        if (value instanceof AccessGranted e) {
            return Optional.of(event(e.getRequestId(), e.getEventId(), Stage.GRANTED, e.getOccurredAt(),
                    e.getCausedBy(), "grant " + e.getGrantId() + " until " + e.getExpiresAt(), null, e.getGrantId(),
                    e.getExpiresAt()));
        }
        if (value instanceof RevocationRequested e) {
            return Optional.of(event(e.getRequestId(), e.getEventId(), Stage.REVOCATION_REQUESTED, e.getOccurredAt(),
                    e.getCausedBy(), e.getReason(), null, e.getGrantId(), null));
        }
        if (value instanceof AccessExpired e) {
            return Optional.of(event(e.getRequestId(), e.getEventId(), Stage.EXPIRED, e.getOccurredAt(),
                    e.getCausedBy(), e.getReason() + ", due " + e.getExpiresAt(), null, e.getGrantId(), null));
        }
        if (value instanceof AccessWithdrawn e) {
            return Optional.of(event(e.getRequestId(), e.getEventId(), Stage.WITHDRAWN, e.getOccurredAt(),
                    e.getCausedBy(), e.getWithdrawn().isEmpty() ? "nothing left in the target"
                            : String.join("; ", e.getWithdrawn()), null, e.getGrantId(), null));
        }
        return Optional.empty();
    }

    private static TimelineEvent event(String requestId, String eventId, Stage stage, Instant at, Actor by,
            String detail, TimelineEvent.@Nullable RequestSummary summary, @Nullable String grantId,
            @Nullable Instant expiresAt) {
        return new TimelineEvent(requestId, eventId, stage, at, actor(by), detail, summary, grantId, expiresAt);
    }

    private static String actor(Actor by) {
        return by.getKind() + ":" + by.getId();
    }

    private static TimelineEvent.RequestedAccess access(AccessRequested e) {
        return new TimelineEvent.RequestedAccess(e.getResource().getKind(), e.getResource().getName(),
                e.getScope().getActions(), e.getScope().getColumns(), e.getScope().getRowFilter(), e.getTicket(),
                e.getBreakGlass(), e.getExtendsRequestId());
    }

    /** The tiers of a pending request; an event without tiers has the one tier its older fields describe. */
    private static TimelineEvent.ApprovalNeeded approvalNeeded(ApprovalPending e) {
        List<TimelineEvent.Tier> tiers = e.getTiers().isEmpty()
                ? List.of(new TimelineEvent.Tier(e.getRequiredApprovals(), e.getApproverGroups()))
                : e.getTiers().stream()
                        .map(tier -> new TimelineEvent.Tier(tier.getRequired(), tier.getGroups())).toList();
        return new TimelineEvent.ApprovalNeeded(tiers, e.getDecideBy());
    }

    private static String scope(Scope scope) {
        return String.join(",", scope.getActions()) + " (" + String.join(", ", scope.getColumns()) + ")"
                + (scope.getRowFilter() == null ? "" : " where " + scope.getRowFilter());
    }
}
