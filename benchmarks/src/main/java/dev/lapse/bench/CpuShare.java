package dev.lapse.bench;

import dev.lapse.bench.drive.ProcessCpu;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How the machine's cores were shared during a run: by this JVM, and by every other process (a build next door, other
 * virtual machines' steal). Figures measured while others took cores from the run are not comparable, so the table's
 * heading says it. Read from {@code /proc/stat} and the JVM's own CPU time; on a system without {@code /proc/stat}
 * there is nothing to say. How much of this JVM's CPU its JIT compiler threads took is said too.
 */
final class CpuShare {

    private final long startNanos = System.nanoTime();
    private final long startProcessNanos = ProcessCpu.nanos();
    private final long startCompilerNanos = ProcessCpu.compilerNanos();
    private final Optional<long[]> startStat = stat();

    /** One line for the heading, from the moment this was created until now. */
    String sinceStart() {
        Optional<long[]> endStat = stat();
        if (startStat.isEmpty() || endStat.isEmpty() || startProcessNanos < 0) {
            return "CPU shares unknown (no /proc/stat)";
        }
        long[] start = startStat.get();
        long[] end = endStat.get();
        double total = end[0] - start[0];
        double idle = end[1] - start[1];
        double wallCoreNanos = (double) (System.nanoTime() - startNanos) * Runtime.getRuntime().availableProcessors();
        long usedNanos = ProcessCpu.nanos() - startProcessNanos;
        double ours = usedNanos / wallCoreNanos;
        double busy = total <= 0 ? 0 : (total - idle) / total;
        long compilerNanos = ProcessCpu.compilerNanos();
        // The JIT's share says how warm the JVM was: on a slower machine it compiles through the whole run.
        String compiling = compilerNanos < 0 || startCompilerNanos < 0 ? ""
                : String.format(Locale.ROOT, " (%,.0f s of CPU, %,.0f s of it in its JIT compiler threads)",
                        usedNanos / 1e9, (compilerNanos - startCompilerNanos) / 1e9);
        return String.format(Locale.ROOT, "this JVM used %.0f%% of the cores' time%s, other processes %.0f%%",
                100 * ours, compiling, 100 * Math.max(0, busy - ours));
    }

    /** All jiffies and idle jiffies (idle + iowait) of the first line of {@code /proc/stat}. */
    private static Optional<long[]> stat() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal [guest guest_nice, already counted in user and nice]
            long[] values = Arrays.stream(fields, 1, Math.min(fields.length, 9)).mapToLong(Long::parseLong).toArray();
            return Optional.of(new long[] {Arrays.stream(values).sum(), values[3] + values[4]});
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
