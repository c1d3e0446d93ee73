package dev.lapse.bench.drive;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The CPU time this JVM's threads have used, all of them: broker, services, load and watchers alike; and how much of
 * it went to the JIT compilers.
 */
public final class ProcessCpu {

    /** Linux's clock tick for {@code /proc} CPU times (USER_HZ), 100 on every common build. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    private static final Path TASKS = Path.of("/proc/self/task");
    /** The compiler threads' {@code stat} files; found again when one of them is gone. */
    private static volatile List<Path> compilerStats = List.of();

    private ProcessCpu() {
    }

    /** Nanoseconds of CPU used since the JVM started, or -1 where the platform does not say. */
    public static long nanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /**
     * Nanoseconds of CPU HotSpot's JIT compiler threads ({@code C1 CompilerThread0}, {@code C2 CompilerThread0}, …)
     * have used, part of {@link #nanos}, to 10 ms; -1 where {@code /proc/self/task} does not say (not Linux). A cold
     * JVM on two cores compiles for minutes while it carries the load: this says how much of its CPU that took. Not
     * the JVM's own compilation time (CompilationMXBean), which counts the time compilations took, waits for a core
     * included, and on a busy machine is several times their CPU. A compiler thread the JVM ends takes its CPU time
     * with it: the JVM keeps at least one of each kind, and the others end only when idle.
     */
    public static long compilerNanos() {
        List<Path> stats = compilerStats;
        long ticks = ticks(stats);
        if (ticks < 0 || stats.isEmpty()) {
            stats = findCompilerStats();
            compilerStats = stats;
            ticks = stats.isEmpty() ? -1 : ticks(stats);
        }
        return ticks < 0 ? -1 : ticks * NANOS_PER_TICK;
    }

    // utime + stime of each task, or -1 when one cannot be read (a thread that ended).
    private static long ticks(List<Path> stats) {
        long sum = 0;
        for (Path stat : stats) {
            try {
                String line = Files.readString(stat);
                // The name, in parentheses, may hold spaces; the fields after it start with the state (field 3).
                String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
                sum += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
        return sum;
    }

    private static List<Path> findCompilerStats() {
        try (Stream<Path> tasks = Files.list(TASKS)) {
            return tasks.filter(ProcessCpu::isCompiler).map(task -> task.resolve("stat")).toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static boolean isCompiler(Path task) {
        try {
            // The kernel keeps 15 characters of a name: "C2 CompilerThre".
            return Files.readString(task.resolve("comm")).matches("C\\d CompilerThre.*\\s*");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
