package dev.lapse.bench.lapse;

import dev.lapse.bench.LiveHeap;
import dev.lapse.bench.ProbeRequestIds;
import dev.lapse.event.AccessApproved;
import dev.lapse.event.AccessGranted;
import dev.lapse.event.AccessRequested;
import dev.lapse.event.Actor;
import dev.lapse.event.ActorKind;
import dev.lapse.event.Requester;
import dev.lapse.event.Resource;
import dev.lapse.event.Scope;
import dev.lapse.request.kafka.AvroMapping;
import dev.lapse.request.timeline.TimelineBook;
import dev.lapse.schemas.EventIds;
import dev.lapse.schemas.GrantIds;
import java.lang.ref.Reference;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The heap request-service's read model keeps per request, measured in a JVM of its own so that nothing else lives on
 * the heap measured: a {@link TimelineBook} as large as the service's default ({@code requests}) filled with
 * auto-approved requests, each as the three lifecycle events the service reads for one (requested, approved, granted),
 * mapped by the service's own {@link AvroMapping}; the heap in use read after full collections. Every string an event
 * carries is a fresh instance, as the Avro decoder makes them. A smaller book is filled and dropped before the heap is
 * first read, so that the classes and caches filling loads are not counted per request. Started by {@link ReadModelSection}:
 * {@code ReadModelProbe <requests>} prints one line {@code readmodel <requests kept> <bytes> <fill ns per request>}.
 */
public final class ReadModelProbe {

    static final String LINE = "readmodel";
    private static final int WARM_UP = 10_000;
    private static final Instant START = Instant.parse("2026-11-30T09:00:00Z");

    private ReadModelProbe() {
    }

    public static void main(String[] args) {
        int requests = Integer.parseInt(args[0]);
        // A book filled and dropped first: what the classes and caches the fill loads take is not per request.
        fill(new TimelineBook(WARM_UP), WARM_UP, -WARM_UP);
        long baseline = LiveHeap.bytesAfterFullGc();
        TimelineBook book = new TimelineBook(requests);
        long startNs = System.nanoTime();
        fill(book, requests, 0);
        long fillNs = System.nanoTime() - startNs;
        long used = LiveHeap.bytesAfterFullGc() - baseline;
        new LiveHeap.Reading(requests, used, (double) fillNs / requests).print(LINE);
        Reference.reachabilityFence(book);
    }

    private static void fill(TimelineBook book, int requests, long firstId) {
        for (long i = firstId; i < firstId + requests; i++) {
            String requestId = ProbeRequestIds.of(i);
            Instant at = START.plusMillis(i);
            for (Object event : List.of(requested(requestId, at), approved(requestId, at.plusMillis(4)),
                    granted(requestId, at.plusMillis(9)))) {
                book.apply(AvroMapping.timelineEvent(event).orElseThrow());
            }
        }
    }

    private static AccessRequested requested(String requestId, Instant at) {
        return AccessRequested.newBuilder()
                .setEventId(EventIds.once("requested", requestId))
                .setRequestId(requestId)
                .setOccurredAt(at)
                .setCausedBy(new Actor(ActorKind.SYSTEM, fresh(Approvable.SOURCE)))
                .setRequester(requester())
                .setResource(resource())
                .setScope(scope())
                .setReason(fresh(Approvable.REASON))
                .setTicket(null)
                .setRequestedDurationMs(Duration.ofHours(1).toMillis())
                .setSourceSystem(fresh(Approvable.SOURCE))
                .build();
    }

    private static AccessApproved approved(String requestId, Instant at) {
        return AccessApproved.newBuilder()
                .setEventId(EventIds.once("approved", requestId))
                .setRequestId(requestId)
                .setOccurredAt(at)
                .setCausedBy(new Actor(ActorKind.SERVICE, fresh("policy-engine")))
                .setRequester(requester())
                .setResource(resource())
                .setScope(scope())
                .setApprovedDurationMs(Duration.ofHours(1).toMillis())
                .setPolicy(fresh("support-reads-customer-contacts"))
                .build();
    }

    private static AccessGranted granted(String requestId, Instant at) {
        return AccessGranted.newBuilder()
                .setEventId(EventIds.once("granted", requestId))
                .setRequestId(requestId)
                .setOccurredAt(at)
                .setCausedBy(new Actor(ActorKind.SERVICE, fresh("grant-issuer")))
                .setGrantId(GrantIds.of(requestId))
                .setRequester(requester())
                .setResource(resource())
                .setScope(scope())
                .setGrantedAt(at)
                .setExpiresAt(at.plus(Duration.ofHours(1)))
                .build();
    }

    private static Requester requester() {
        return new Requester(fresh(Approvable.REQUESTER), Approvable.GROUPS.stream().map(ReadModelProbe::fresh)
                .toList());
    }

    private static Resource resource() {
        return new Resource(fresh(Approvable.KIND), fresh(Approvable.TABLE));
    }

    private static Scope scope() {
        return new Scope(List.of(fresh(Approvable.ACTION)), Approvable.COLUMNS.stream().map(ReadModelProbe::fresh)
                .toList(), null);
    }

    /** A string as a decoder makes it: equal to {@code value}, never the same instance. */
    private static String fresh(String value) {
        return new String(value.toCharArray());
    }
}
