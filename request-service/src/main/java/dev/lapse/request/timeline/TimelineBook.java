package dev.lapse.request.timeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Every request's timeline, folded from lifecycle events. Events of one request arrive on several topics, so
 * their arrival order is not their order: steps are ordered by time, then by stage, and the status is the
 * furthest stage reached (a rejected duplicate submission shows as a step of the accepted request, and does not
 * change its status). A redelivered event (same event id) changes nothing. Thread-safe: one listener thread
 * writes while request threads read.
 *
 * <p>It holds the {@code maxRequests} most recently seen requests and forgets older ones first: at thousands of
 * requests a second an unbounded read model would fill any heap within hours. The audit log keeps every event.
 */
public final class TimelineBook {

    /** How many distinct repeated values (actors, resources, scopes) the book shares before it starts again. */
    private static final int SHARED_VALUES = 16_384;

    private final Map<String, List<TimelineEvent>> eventsByRequest;
    private final Map<String, String> requestByGrant = new HashMap<>();
    /** Requests that may await votes; {@link #awaitingVotes()} checks each and drops the decided ones. */
    private final Set<String> mayAwaitVotes = new LinkedHashSet<>();
    private final Interner shared = new Interner(SHARED_VALUES);

    /** A book of at most {@code maxRequests} timelines. */
    public TimelineBook(int maxRequests) {
        if (maxRequests < 1) {
            throw new IllegalArgumentException("maxRequests must be at least 1, got " + maxRequests);
        }
        eventsByRequest = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<TimelineEvent>> eldest) {
                if (size() <= maxRequests) {
                    return false;
                }
                eldest.getValue().stream().map(TimelineEvent::grantId).filter(java.util.Objects::nonNull)
                        .forEach(requestByGrant::remove);
                mayAwaitVotes.remove(eldest.getKey());
                return true;
            }
        };
    }

    /** Adds an event to its request's timeline; returns false when it was already there. */
    public synchronized boolean apply(TimelineEvent event) {
        List<TimelineEvent> events = eventsByRequest.computeIfAbsent(event.requestId(), id -> new ArrayList<>(4));
        for (TimelineEvent known : events) {
            if (known.eventId().equals(event.eventId())) {
                return false;
            }
        }
        TimelineEvent kept = kept(event, events);
        events.add(kept);
        if (kept.grantId() != null) {
            requestByGrant.put(kept.grantId(), kept.requestId());
        }
        if (kept.approvalNeeded() != null) {
            mayAwaitVotes.add(kept.requestId());
        }
        return true;
    }

    /**
     * The event as the book keeps it: the request id its timeline already has, and one shared instance of each value
     * that many requests repeat. An event's own id, its grant and the detail naming that grant are its own.
     */
    private TimelineEvent kept(TimelineEvent event, List<TimelineEvent> timeline) {
        String requestId = timeline.isEmpty() ? event.requestId() : timeline.get(0).requestId();
        String detail = event.grantId() == null ? shared.intern(event.detail()) : event.detail();
        return new TimelineEvent(requestId, event.eventId(), event.stage(), event.at(), shared.intern(event.by()),
                detail, kept(event.summary()), event.grantId(), event.expiresAt(), event.approvalNeeded(),
                event.vote());
    }

    private TimelineEvent.@Nullable RequestSummary kept(TimelineEvent.@Nullable RequestSummary summary) {
        if (summary == null) {
            return null;
        }
        TimelineEvent.RequestedAccess access = summary.access();
        if (access != null) {
            access = shared.intern(new TimelineEvent.RequestedAccess(shared.intern(access.resourceKind()),
                    shared.intern(access.resourceName()), shared.internAll(access.actions()),
                    shared.internAll(access.columns()), shared.intern(access.rowFilter()),
                    access.ticket(), access.breakGlass(), access.extendsRequestId()));
        }
        // The reason is free text, most often unique: sharing it would only churn the shared values.
        return new TimelineEvent.RequestSummary(shared.intern(summary.requesterId()), shared.intern(summary.resource()),
                shared.intern(summary.scope()), summary.reason(), summary.durationMs(),
                shared.intern(summary.sourceSystem()), access);
    }

    /** The timeline of a request, if any event of it has been seen. */
    public synchronized Optional<RequestTimeline> find(String requestId) {
        List<TimelineEvent> events = eventsByRequest.get(requestId);
        return events == null ? Optional.empty() : Optional.of(fold(requestId, events));
    }

    /**
     * Submitted → granted of a request, as {@link RequestTimeline#submittedToGrantedMs()} gives it, without folding
     * the timeline: the read model asks this for every grant it sees, and folding (sorting and copying every step)
     * was most of its thread's work under load.
     */
    public synchronized OptionalLong submittedToGrantedMs(String requestId) {
        List<TimelineEvent> events = eventsByRequest.get(requestId);
        if (events == null) {
            return OptionalLong.empty();
        }
        // The last of each stage in the fold's order (time, then stage) is the latest one of that stage.
        java.time.Instant requestedAt = null;
        java.time.Instant grantedAt = null;
        for (TimelineEvent event : events) {
            if (event.stage() == Stage.REQUESTED && (requestedAt == null || !event.at().isBefore(requestedAt))) {
                requestedAt = event.at();
            } else if (event.stage() == Stage.GRANTED && (grantedAt == null || !event.at().isBefore(grantedAt))) {
                grantedAt = event.at();
            }
        }
        return requestedAt == null || grantedAt == null ? OptionalLong.empty()
                : OptionalLong.of(grantedAt.toEpochMilli() - requestedAt.toEpochMilli());
    }

    /** The request a grant belongs to. */
    public synchronized Optional<String> requestOfGrant(String grantId) {
        return Optional.ofNullable(requestByGrant.get(grantId));
    }

    /** Every request that waits for votes now, oldest first: what an approver's inbox is made of. */
    public synchronized List<RequestTimeline> awaitingVotes() {
        List<RequestTimeline> awaiting = new ArrayList<>();
        for (Iterator<String> ids = mayAwaitVotes.iterator(); ids.hasNext(); ) {
            String id = ids.next();
            RequestTimeline timeline = fold(id, eventsByRequest.get(id));
            if (timeline.awaitsVotes()) {
                awaiting.add(timeline);
            } else {
                ids.remove();
            }
        }
        return awaiting;
    }

    /** The most recent timelines, newest first, at most {@code limit}. */
    public synchronized List<RequestTimeline> recent(int limit) {
        return recent(limit, timeline -> true);
    }

    /** The most recent timelines that {@code visible} accepts, newest first, at most {@code limit}. */
    public synchronized List<RequestTimeline> recent(int limit, Predicate<RequestTimeline> visible) {
        Map<String, RequestTimeline> folded = new LinkedHashMap<>();
        eventsByRequest.forEach((id, events) -> folded.put(id, fold(id, events)));
        return folded.values().stream()
                .filter(visible)
                .sorted(Comparator.comparing((RequestTimeline t) -> t.steps().get(0).at()).reversed())
                .limit(limit)
                .toList();
    }

    private static RequestTimeline fold(String requestId, List<TimelineEvent> events) {
        List<TimelineEvent> ordered = events.stream()
                .sorted(Comparator.comparing(TimelineEvent::at).thenComparing(TimelineEvent::stage))
                .toList();
        // A rejection of a later, duplicate submission is a step of the accepted request, not where it stands.
        boolean accepted = ordered.stream().anyMatch(event -> event.stage() == Stage.REQUESTED);
        Stage status = ordered.stream().map(TimelineEvent::stage)
                .filter(stage -> !(accepted && stage == Stage.REJECTED))
                .max(Comparator.naturalOrder()).orElseThrow();
        TimelineEvent.RequestSummary summary = null;
        String grantId = null;
        java.time.Instant expiresAt = null;
        java.time.Instant requestedAt = null;
        java.time.Instant grantedAt = null;
        for (TimelineEvent event : ordered) {
            if (event.summary() != null) {
                summary = event.summary();
            }
            if (event.grantId() != null) {
                grantId = event.grantId();
            }
            if (event.expiresAt() != null && expiresAt == null) {
                expiresAt = event.expiresAt();
            }
            if (event.stage() == Stage.REQUESTED) {
                requestedAt = event.at();
            }
            if (event.stage() == Stage.GRANTED) {
                grantedAt = event.at();
            }
        }
        Long submittedToGrantedMs = requestedAt != null && grantedAt != null
                ? grantedAt.toEpochMilli() - requestedAt.toEpochMilli() : null;
        RequestTimeline.Approval approval = approval(ordered);
        List<RequestTimeline.Step> steps = ordered.stream()
                .map(event -> new RequestTimeline.Step(event.stage(), event.at(), event.by(), event.detail()))
                .toList();
        return new RequestTimeline(requestId, status, summary, grantId, expiresAt, submittedToGrantedMs, approval,
                steps);
    }

    private static RequestTimeline.@Nullable Approval approval(List<TimelineEvent> ordered) {
        TimelineEvent.ApprovalNeeded needed = null;
        List<TimelineEvent.CastVote> votes = new ArrayList<>();
        for (TimelineEvent event : ordered) {
            if (event.approvalNeeded() != null) {
                needed = event.approvalNeeded();
            }
            if (event.vote() != null) {
                votes.add(event.vote());
            }
        }
        return needed == null ? null : new RequestTimeline.Approval(needed.tiers(), needed.decideBy(), votes);
    }
}
