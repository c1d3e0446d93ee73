package dev.lapse.revoker.expiry;

import dev.lapse.revoker.wheel.TimingWheel;
import dev.lapse.schemas.GrantIds;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Prints the revoker's heap per active grant at 1 and 10 million grants, measured after full GCs, and what add,
 * cancel and advance cost on the wheel at those sizes. A measurement to run by hand, never part of the build: its
 * name matches none of surefire's patterns, so only {@code -Dtest=HeapPerGrantMeasurement} runs it, and it asserts
 * nothing about speed. Run it with a heap that holds 10 million grants and their churn:
 * <pre>
 * ./mvnw -B -ntp -o -pl revoker -am test -Dtest=HeapPerGrantMeasurement -Dsurefire.failIfNoSpecifiedTests=false \
 *     -DargLine=-Xmx3g
 * cat revoker/target/surefire-reports/dev.lapse.revoker.expiry.HeapPerGrantMeasurement-output.txt
 * </pre>
 */
class HeapPerGrantMeasurement {

    private static final long START_MS = 1_700_000_000_000L;
    private static final int REQUESTERS = 10_000;
    private static final int TIMED_OPS = 1_000_000;
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    @Test
    void heapPerActiveGrant() {
        System.out.printf("JVM %s, max heap %d MB%n", Runtime.version(), Runtime.getRuntime().maxMemory() >> 20);
        long baseline = usedAfterFullGc();
        ExpirySchedule schedule = new ExpirySchedule(new ExpirySchedule.Options(10, 512), START_MS);
        int watched = 0;
        for (int target : new int[] {1_000_000, 10_000_000}) {
            int from = watched;
            long startNs = System.nanoTime();
            for (; watched < target; watched++) {
                String requestId = requestId(watched);
                // Expiries spread over 30 days, as long and short grants mix in practice.
                schedule.watch(new ActiveGrant(requestId, GrantIds.of(requestId), "user-" + watched % REQUESTERS,
                        Instant.ofEpochMilli(START_MS + 1 + (watched * 2_654_435_761L) % 2_592_000_000L)));
            }
            long fillNs = System.nanoTime() - startNs;
            long used = usedAfterFullGc() - baseline;
            System.out.printf("%,d active grants: %,d bytes of heap, %.1f bytes per grant (ExpirySchedule.watch with"
                    + " derived grant ids and %,d requesters: %.0f ns per grant while filling)%n", schedule.size(),
                    used, (double) used / schedule.size(), REQUESTERS, (double) fillNs / (target - from));
        }
        Reference.reachabilityFence(schedule);
    }

    @Test
    void wheelAddCancelAdvance() {
        for (int live : new int[] {1_000_000, 10_000_000}) {
            TimingWheel wheel = new TimingWheel(10, 512, START_MS);
            for (int i = 0; i < live; i++) {
                wheel.add(requestId(i), START_MS + 1 + (i * 2_654_435_761L) % 2_592_000_000L, i % REQUESTERS);
            }
            List<String> fresh = new ArrayList<>(TIMED_OPS);
            // Cancelled with other String instances of the same ids, as a revocation's request id arrives in a
            // record of its own: no hash or identity left over from the add.
            List<String> revoked = new ArrayList<>(TIMED_OPS);
            for (int i = 0; i < TIMED_OPS; i++) {
                fresh.add(requestId(live + i));
                revoked.add(requestId(live + i));
            }
            // A few rounds, so that the last is measured with the JIT warm.
            double addNs = 0;
            double cancelNs = 0;
            for (int round = 0; round < 4; round++) {
                long startNs = System.nanoTime();
                for (int i = 0; i < TIMED_OPS; i++) {
                    wheel.add(fresh.get(i), START_MS + 60_000 + (i * 2_654_435_761L) % 2_592_000_000L, i);
                }
                long addedNs = System.nanoTime();
                for (int i = 0; i < TIMED_OPS; i++) {
                    wheel.cancel(revoked.get(i));
                }
                long cancelledNs = System.nanoTime();
                addNs = (double) (addedNs - startNs) / TIMED_OPS;
                cancelNs = (double) (cancelledNs - addedNs) / TIMED_OPS;
            }
            // One million due within one minute, advanced tick by tick as the revoker's loop would.
            for (int i = 0; i < TIMED_OPS; i++) {
                wheel.add(fresh.get(i), START_MS + 1 + i % 60_000, i);
            }
            long fired = 0;
            long advanceStartNs = System.nanoTime();
            for (long nowMs = START_MS + 10; nowMs <= START_MS + 60_000; nowMs += 10) {
                fired += wheel.advanceTo(nowMs).size();
            }
            double advanceNs = (double) (System.nanoTime() - advanceStartNs) / fired;
            System.out.printf("wheel with %,d live UUID keys: add %.0f ns/op, cancel %.0f ns/op; advancing through"
                    + " %,d expiries due within a minute, in 10 ms steps: %.0f ns per expiry%n", live, addNs,
                    cancelNs, fired, advanceNs);
            Reference.reachabilityFence(wheel);
        }
    }

    /** A request id as Lapse makes them: a random-looking version 4 UUID, computed rather than held. */
    private static String requestId(long i) {
        long mixed = i * 0x9E3779B97F4A7C15L;
        return new UUID((mixed & 0xFFFF_FFFF_FFFF_0FFFL) | 0x4000L,
                (i & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L).toString();
    }

    private static long usedAfterFullGc() {
        long used = Long.MAX_VALUE;
        // Several collections: a single System.gc() may leave objects freed by finalization or reference
        // processing behind, and the lowest reading is the one with nothing but live objects.
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
