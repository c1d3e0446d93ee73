package dev.lapse.bench.revoker;

import dev.lapse.bench.LiveHeap;
import dev.lapse.bench.ProbeRequestIds;
import dev.lapse.revoker.expiry.ActiveGrant;
import dev.lapse.revoker.expiry.ExpirySchedule;
import dev.lapse.schemas.GrantIds;
import java.lang.ref.Reference;
import java.time.Instant;

/**
 * The heap the revoker keeps per active grant, measured in a JVM of its own so that nothing else (the run's broker,
 * its services) lives on the heap measured: the revoker's {@link ExpirySchedule} (its wheel and its requester
 * dictionary) filled with grants as Lapse issues them, the heap in use read after full collections. Started by
 * {@link RevokerSection}: {@code HeapProbe <requesters> <grants>...} prints one line {@code heap <grants> <bytes>
 * <fill ns per grant>} per number of grants, in increasing order, into the same schedule.
 */
public final class HeapProbe {

    static final String LINE = "heap";
    private static final long START_MS = 1_700_000_000_000L;

    private HeapProbe() {
    }

    public static void main(String[] args) {
        int requesters = Integer.parseInt(args[0]);
        long baseline = LiveHeap.bytesAfterFullGc();
        ExpirySchedule schedule = new ExpirySchedule(new ExpirySchedule.Options(10, 512), START_MS);
        int watched = 0;
        for (int a = 1; a < args.length; a++) {
            int target = Integer.parseInt(args[a]);
            int from = watched;
            long startNs = System.nanoTime();
            for (; watched < target; watched++) {
                String requestId = ProbeRequestIds.of(watched);
                // Expiries spread over 30 days, as long and short grants mix; the grant id derived, as Lapse's are.
                schedule.watch(new ActiveGrant(requestId, GrantIds.of(requestId), "user-" + watched % requesters,
                        Instant.ofEpochMilli(START_MS + 1 + Math.floorMod(watched * 2_654_435_761L, 2_592_000_000L))));
            }
            long fillNs = System.nanoTime() - startNs;
            long used = LiveHeap.bytesAfterFullGc() - baseline;
            new LiveHeap.Reading(schedule.size(), used, (double) fillNs / Math.max(1, target - from)).print(LINE);
        }
        Reference.reachabilityFence(schedule);
    }
}
