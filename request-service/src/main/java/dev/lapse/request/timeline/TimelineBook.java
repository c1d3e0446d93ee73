package dev.lapse.request.timeline;

import dev.lapse.schemas.GrantIds;
import dev.lapse.schemas.HexIds;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Every request's timeline, folded from lifecycle events. Events of one request arrive on several topics, so
 * their arrival order is not their order: steps are ordered by time, then by stage, and the status is the
 * furthest stage reached (a rejected duplicate submission shows as a step of the accepted request, and does not
 * change its status). A redelivered event (same event id) changes nothing. Thread-safe: one listener thread
 * writes while request threads read.
 *
 * <p><b>Readers take no lock.</b> A request's events are an array that is never changed once published (an event
 * makes a new one), held in a concurrent map, so a request thread reads a timeline without waiting for the listener or
 * for other request threads; writers ({@link #apply}, and {@link #awaitingVotes()}, which drops decided requests from
 * its list) hold the book's lock. Every {@code POST /v1/requests} looks its id up here first: while that lookup held
 * the lock, REST's request threads queued behind one another on it, up to a second each under load (JFR on the 2-core
 * machine, 2026-11-30: 2,243 waits of 10 ms or more, 79 ms on average, the previous owner another request thread in
 * 94% of them).
 *
 * <p>It holds the {@code maxRequests} most recently seen requests and forgets older ones first: at thousands of
 * requests a second an unbounded read model would fill any heap within hours. The audit log keeps every event.
 *
 * <p><b>Compact.</b> What the book keeps lives for minutes, so G1 copies it from survivor space to survivor space
 * up to fifteen times before it promotes it, in every young pause: under load, those copies were most of what the
 * pauses did. So the book keeps as little per request as it can give back exactly: ids that are canonical UUIDs
 * (request and event ids) as 128 bits, times as seconds and nanos, a grant id that is the one {@link GrantIds}
 * derives from the request id not at all, nor the detail of a grant that says only its id and end; one shared
 * instance of each value many requests repeat. An auto-approved request's three events take about 600 bytes so,
 * where they took about 1,080 as {@link TimelineEvent}s (the benchmarks' read-model row, 2026-11-30).
 */
public final class TimelineBook {

    /** How many distinct repeated values (actors, resources, scopes) the book shares before it starts again. */
    private static final int SHARED_VALUES = 16_384;

    private final int maxRequests;
    /**
     * Keyed by {@link #requestKey}: the events of each request, in arrival order, in an array never changed once put
     * here. Read without the lock, written under it.
     */
    private final Map<Object, Kept[]> eventsByRequest = new ConcurrentHashMap<>();
    /** The keys of {@link #eventsByRequest}, the first seen first: the next one to forget. Guarded by the lock. */
    private final ArrayDeque<Object> arrivalOrder = new ArrayDeque<>();
    /**
     * From {@link #grantKey} to the {@link #requestKey} of the request the grant belongs to. Read without the lock,
     * written under it.
     */
    private final Map<Object, Object> requestByGrant = new ConcurrentHashMap<>();
    /** Requests that may await votes; {@link #awaitingVotes()} checks each and drops the decided ones. Guarded. */
    private final Set<Object> mayAwaitVotes = new LinkedHashSet<>();
    /** Guarded by the lock. */
    private final Interner shared = new Interner(SHARED_VALUES);

    /** A book of at most {@code maxRequests} timelines. */
    public TimelineBook(int maxRequests) {
        if (maxRequests < 1) {
            throw new IllegalArgumentException("maxRequests must be at least 1, got " + maxRequests);
        }
        this.maxRequests = maxRequests;
    }

    /** Adds an event to its request's timeline; returns false when it was already there. */
    public synchronized boolean apply(TimelineEvent event) {
        Object requestKey = requestKey(event.requestId());
        Kept[] events = eventsByRequest.get(requestKey);
        Kept kept = kept(event);
        if (events != null) {
            for (Kept known : events) {
                if (known.sameId(kept)) {
                    return false;
                }
            }
        }
        Kept[] grown = events == null ? new Kept[] {kept} : Arrays.copyOf(events, events.length + 1);
        grown[grown.length - 1] = kept;
        eventsByRequest.put(requestKey, grown);
        if (events == null) {
            arrivalOrder.addLast(requestKey);
            if (arrivalOrder.size() > maxRequests) {
                forget(arrivalOrder.removeFirst());
            }
        }
        if (event.grantId() != null) {
            requestByGrant.put(grantKey(event.grantId()), requestKey);
        }
        if (event.approvalNeeded() != null) {
            mayAwaitVotes.add(requestKey);
        }
        return true;
    }

    /** Forgets the request kept under {@code key}, the one seen first: its events, its grant, its place in the inbox. */
    private void forget(Object key) {
        Kept[] events = eventsByRequest.remove(key);
        String requestId = key.toString();
        boolean derivedRemoved = false;
        for (Kept kept : events) {
            if (kept.more() instanceof Unusual unusual && unusual.grantId() != null) {
                requestByGrant.remove(grantKey(unusual.grantId()));
            } else if (kept.hasDerivedGrant() && !derivedRemoved) {
                // Every event of the grant names the same derived id: hash it once.
                requestByGrant.remove(grantKey(GrantIds.of(requestId)));
                derivedRemoved = true;
            }
        }
        mayAwaitVotes.remove(key);
    }

    /** The key a request is kept under: its id as a {@link UUID} when it is a canonical one (32 bytes), else itself. */
    private static Object requestKey(String requestId) {
        UUID uuid = HexIds.canonicalUuid(requestId);
        return uuid != null ? uuid : requestId;
    }

    /** The key a grant is found under: 128 bits when it is a derived grant id's 32 hex digits, else itself. */
    private static Object grantKey(String grantId) {
        UUID bits = HexIds.hex32(grantId);
        return bits != null ? bits : grantId;
    }

    /** The event as the book keeps it (see the class comment). */
    private Kept kept(TimelineEvent event) {
        long[] id = HexIds.canonicalUuidBits(event.eventId());
        String grantId = event.grantId();
        boolean derivedGrant = grantId != null && GrantIds.isDerived(grantId, event.requestId());
        String detail = event.detail();
        if (derivedGrant && event.expiresAt() != null && grantDetail(grantId, event.expiresAt()).equals(detail)) {
            detail = null;
        } else if (grantId == null) {
            detail = shared.intern(detail);
        }
        TimelineEvent.RequestSummary summary = kept(event.summary());
        boolean plain = event.approvalNeeded() == null && event.vote() == null;
        Object more;
        if (plain && grantId == null && event.expiresAt() == null) {
            more = summary;
        } else if (plain && summary == null && derivedGrant) {
            more = event.expiresAt() != null ? event.expiresAt() : DerivedGrant.WITHOUT_END;
        } else {
            more = new Unusual(summary, grantId, event.expiresAt(), event.approvalNeeded(), event.vote());
        }
        return new Kept(id == null ? 0 : id[0], id == null ? 0 : id[1], id == null ? event.eventId() : null,
                event.at().getEpochSecond(), event.at().getNano(), event.stage(), shared.intern(event.by()), detail,
                more);
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

    /** What a grant's step says, as the lifecycle's mapping writes it: rebuilt rather than kept. */
    private static String grantDetail(String grantId, Instant expiresAt) {
        return "grant " + grantId + " until " + expiresAt;
    }

    /** The timeline of a request, if any event of it has been seen. */
    public Optional<RequestTimeline> find(String requestId) {
        Kept[] events = eventsByRequest.get(requestKey(requestId));
        return events == null ? Optional.empty() : Optional.of(fold(requestId, events(requestId, events)));
    }

    /**
     * Submitted → granted of a request, as {@link RequestTimeline#submittedToGrantedMs()} gives it, without folding
     * the timeline: the read model asks this for every grant it sees, and folding (sorting and copying every step)
     * was most of its thread's work under load.
     */
    public OptionalLong submittedToGrantedMs(String requestId) {
        Kept[] events = eventsByRequest.get(requestKey(requestId));
        if (events == null) {
            return OptionalLong.empty();
        }
        // The last of each stage in the fold's order (time, then stage) is the latest one of that stage.
        Kept requested = null;
        Kept granted = null;
        for (Kept event : events) {
            if (event.stage() == Stage.REQUESTED && (requested == null || !event.isBefore(requested))) {
                requested = event;
            } else if (event.stage() == Stage.GRANTED && (granted == null || !event.isBefore(granted))) {
                granted = event;
            }
        }
        return requested == null || granted == null ? OptionalLong.empty()
                : OptionalLong.of(granted.at().toEpochMilli() - requested.at().toEpochMilli());
    }

    /** The request a grant belongs to. */
    public Optional<String> requestOfGrant(String grantId) {
        return Optional.ofNullable(requestByGrant.get(grantKey(grantId))).map(Object::toString);
    }

    /** Every request that waits for votes now, oldest first: what an approver's inbox is made of. */
    public synchronized List<RequestTimeline> awaitingVotes() {
        List<RequestTimeline> awaiting = new ArrayList<>();
        for (Iterator<Object> keys = mayAwaitVotes.iterator(); keys.hasNext(); ) {
            Object key = keys.next();
            String id = key.toString();
            RequestTimeline timeline = fold(id, events(id, eventsByRequest.get(key)));
            if (timeline.awaitsVotes()) {
                awaiting.add(timeline);
            } else {
                keys.remove();
            }
        }
        return awaiting;
    }

    /** The most recent timelines, newest first, at most {@code limit}. */
    public List<RequestTimeline> recent(int limit) {
        return recent(limit, timeline -> true);
    }

    /** The most recent timelines that {@code visible} accepts, newest first, at most {@code limit}. */
    public List<RequestTimeline> recent(int limit, Predicate<RequestTimeline> visible) {
        List<RequestTimeline> folded = new ArrayList<>(eventsByRequest.size());
        eventsByRequest.forEach((key, events) -> {
            String id = key.toString();
            folded.add(fold(id, events(id, events)));
        });
        return folded.stream()
                .filter(visible)
                .sorted(Comparator.comparing((RequestTimeline t) -> t.steps().get(0).at()).reversed())
                .limit(limit)
                .toList();
    }

    private static List<TimelineEvent> events(String requestId, Kept[] kept) {
        List<TimelineEvent> events = new ArrayList<>(kept.length);
        for (Kept event : kept) {
            events.add(event.event(requestId));
        }
        return events;
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
        Instant expiresAt = null;
        Instant requestedAt = null;
        Instant grantedAt = null;
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

    /**
     * One event as the book keeps it. {@code idText} is the event id when it is not a canonical UUID (then
     * {@code idHigh} and {@code idLow} are 0); {@code detail} is null when it is the grant's, rebuilt on reading;
     * {@code more} is null, the request's {@link TimelineEvent.RequestSummary}, the {@link Instant} a derived grant
     * ends, {@link DerivedGrant#WITHOUT_END}, or, for anything else, an {@link Unusual} holding it as it came.
     */
    private record Kept(long idHigh, long idLow, @Nullable String idText, long atSecond, int atNano, Stage stage,
            String by, @Nullable String detail, @Nullable Object more) {

        boolean sameId(Kept other) {
            return idText != null ? idText.equals(other.idText)
                    : other.idText == null && idHigh == other.idHigh && idLow == other.idLow;
        }

        Instant at() {
            return Instant.ofEpochSecond(atSecond, atNano);
        }

        boolean isBefore(Kept other) {
            return atSecond < other.atSecond || (atSecond == other.atSecond && atNano < other.atNano);
        }

        /** Whether the event names its request's derived grant id, which is rebuilt rather than kept. */
        boolean hasDerivedGrant() {
            return more instanceof Instant || more == DerivedGrant.WITHOUT_END;
        }

        @Nullable String grantId(String requestId) {
            if (hasDerivedGrant()) {
                return GrantIds.of(requestId);
            }
            return more instanceof Unusual unusual ? unusual.grantId() : null;
        }

        TimelineEvent event(String requestId) {
            String eventId = idText != null ? idText : new UUID(idHigh, idLow).toString();
            String grantId = grantId(requestId);
            if (more instanceof Unusual unusual) {
                return new TimelineEvent(requestId, eventId, stage, at(), by, detail(grantId, unusual.expiresAt()),
                        unusual.summary(), grantId, unusual.expiresAt(), unusual.approvalNeeded(), unusual.vote());
            }
            Instant expiresAt = more instanceof Instant end ? end : null;
            TimelineEvent.RequestSummary summary = more instanceof TimelineEvent.RequestSummary requested ? requested
                    : null;
            return new TimelineEvent(requestId, eventId, stage, at(), by, detail(grantId, expiresAt), summary, grantId,
                    expiresAt);
        }

        /** The detail as it came; null only where it was the grant's own, which both its id and its end rebuild. */
        private String detail(@Nullable String grantId, @Nullable Instant expiresAt) {
            if (detail != null) {
                return detail;
            }
            return grantDetail(Objects.requireNonNull(grantId), Objects.requireNonNull(expiresAt));
        }
    }

    /** A grant whose id is the derived one and whose event names no end (a revocation, an expiry, a withdrawal). */
    private enum DerivedGrant {
        WITHOUT_END
    }

    /** The parts of an event that the compact forms do not cover, as they came. */
    private record Unusual(TimelineEvent.@Nullable RequestSummary summary, @Nullable String grantId,
            @Nullable Instant expiresAt, TimelineEvent.@Nullable ApprovalNeeded approvalNeeded,
            TimelineEvent.@Nullable CastVote vote) {
    }
}
