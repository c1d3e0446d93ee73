package dev.lapse.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** The heap in use by live objects only, as the heap probes of forked JVMs read it before and after filling. */
public final class LiveHeap {

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private LiveHeap() {
    }

    /** Bytes in use after full collections. */
    public static long bytesAfterFullGc() {
        long used = Long.MAX_VALUE;
        // Several collections: one may leave objects that reference processing frees only later; the lowest reading
        // is the one with nothing but live objects.
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
