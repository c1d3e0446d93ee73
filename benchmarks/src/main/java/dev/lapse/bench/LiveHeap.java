package dev.lapse.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The heap in use by live objects only, as the heap probes of forked JVMs read it before and after filling, and the
 * line in which a probe tells its section what it read.
 */
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

    /**
     * What a heap probe read for one fill: how many items it held, the bytes they took, how long filling took per item.
     * A probe prints it as one line, {@code <tag> <items> <bytes> <fill ns per item>}, which its section finds again
     * in the fork's output.
     */
    public record Reading(long items, long bytes, double fillNsPerItem) {

        /** Prints this reading's line to standard output. */
        public void print(String tag) {
            System.out.printf(Locale.ROOT, "%s %d %d %.0f%n", tag, items, bytes, fillNsPerItem);
        }

        /** The reading printed under {@code tag} for {@code items} items, if the output holds one. */
        public static Optional<Reading> find(List<String> lines, String tag, long items) {
            String prefix = tag + " " + items + " ";
            return lines.stream().filter(line -> line.startsWith(prefix)).findFirst().map(line -> {
                String[] fields = line.split(" ");
                return new Reading(items, Long.parseLong(fields[2]), Double.parseDouble(fields[3]));
            });
        }
    }
}
