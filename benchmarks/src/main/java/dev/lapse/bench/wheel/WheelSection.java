package dev.lapse.bench.wheel;

import dev.lapse.bench.BenchOptions;
import dev.lapse.bench.Section;
import dev.lapse.bench.Stand;
import dev.lapse.bench.report.Measurement;
import dev.lapse.bench.report.Row;
import dev.lapse.bench.report.Table;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wheel's micro-benchmarks: add, cancel and advance on the revoker's {@code TimingWheel}, the JDK's
 * {@code DelayQueue} and Netty's {@code HashedWheelTimer}, at each size of {@link BenchOptions.Wheel#liveEntries()},
 * one JMH run (in a forked JVM of its own, with its own heap) per structure, operation and size.
 */
public final class WheelSection implements Section {

    private static final Logger log = LoggerFactory.getLogger(WheelSection.class);
    private static final String SECTION = "timing wheel (JMH)";

    /** A structure measured, and how many operations one invocation does for it. */
    enum Structure {
        TIMING_WHEEL("timing-wheel", "Lapse TimingWheel", TimingWheelBenchmark.class,
                "tick 10 ms, 512 buckets a level, UUID keys"),
        DELAY_QUEUE("delay-queue", "java.util.concurrent.DelayQueue", DelayQueueBenchmark.class,
                "with a HashMap key → entry"),
        HASHED_WHEEL_TIMER("hashed-wheel-timer", "Netty HashedWheelTimer", HashedWheelTimerBenchmark.class,
                "1 ms tick, 512 buckets, with a HashMap key → timeout");

        final String key;
        final String title;
        final Class<?> benchmark;
        final String setup;

        Structure(String key, String title, Class<?> benchmark, String setup) {
            this.key = key;
            this.title = title;
            this.benchmark = benchmark;
            this.setup = setup;
        }

        /**
         * Operations per invocation: enough that JMH's per-invocation hooks cost nothing per operation, few enough
         * that an invocation of the slow ones (a DelayQueue's linear-scan cancel) stays well under an iteration.
         */
        int batch(Operation operation, int live) {
            if (this == DELAY_QUEUE && operation == Operation.CANCEL) {
                return live <= 10_000 ? 1_000 : live <= 1_000_000 ? 20 : 4;
            }
            // The timer's worker moves at most 100,000 offered timeouts into buckets a tick: one tick's worth.
            return this == HASHED_WHEEL_TIMER && operation == Operation.ADVANCE ? 100_000 : 10_000;
        }
    }

    /** What is measured per operation. */
    enum Operation {
        ADD("add"), CANCEL("cancel"), ADVANCE("advance");

        final String method;

        Operation(String method) {
            this.method = method;
        }
    }

    private final BenchOptions.Wheel options;

    public WheelSection(BenchOptions options) {
        this.options = options.wheel();
    }

    @Override
    public String name() {
        return SECTION;
    }

    @Override
    public List<Row> run(Stand stand, Table soFar) {
        List<Row> rows = new ArrayList<>();
        for (Structure structure : Structure.values()) {
            for (Operation operation : Operation.values()) {
                for (int live : options.liveEntries()) {
                    rows.add(measure(structure, operation, live));
                }
            }
        }
        return rows;
    }

    private Row measure(Structure structure, Operation operation, int live) {
        int batch = Math.max(1, structure.batch(operation, live) / options.scale());
        String id = String.format(Locale.ROOT, "wheel.%s.%s.%d", structure.key, operation.method, live);
        String figure = String.format(Locale.ROOT, "%s: %s, %,d live entries", structure.title, operation.method,
                live);
        long startNs = System.nanoTime();
        if (options.forks() == 0) {
            // In-process runs (the smoke run) measure nothing worth guarding: another JMH run on the machine, which
            // holds JMH's lock file, must not make them fail.
            System.setProperty("jmh.ignoreLock", "true");
        }
        try {
            Collection<RunResult> results = new Runner(jmhOptions(structure, operation, live, batch)).run();
            if (results.isEmpty()) {
                return new Row(id, SECTION, figure, new Measurement.Missing("JMH returned no result"), "");
            }
            Result<?> score = results.iterator().next().getPrimaryResult();
            log.info("{}: {} ns/op ± {} ({} s)", figure, Math.round(score.getScore()),
                    Math.round(score.getScoreError()), (System.nanoTime() - startNs) / 1_000_000_000);
            return new Row(id, SECTION, figure, new Measurement.Amount(score.getScore(), "ns/op"),
                    note(structure, operation, batch, score));
        } catch (RunnerException | RuntimeException e) {
            log.warn("{} could not be measured", figure, e);
            return new Row(id, SECTION, figure, new Measurement.Missing("JMH failed: " + e), "");
        }
    }

    private Options jmhOptions(Structure structure, Operation operation, int live, int batch) {
        return new OptionsBuilder()
                .include("^" + Pattern.quote(structure.benchmark.getName() + "." + operation.method) + "$")
                .param("live", Integer.toString(live))
                .param("batch", Integer.toString(batch))
                .operationsPerInvocation(batch)
                .forks(options.forks())
                .jvmArgs("-Xms" + options.maxHeap(), "-Xmx" + options.maxHeap())
                .warmupIterations(options.warmupIterations())
                .warmupTime(TimeValue.milliseconds(options.iterationTime().toMillis()))
                .measurementIterations(options.iterations())
                .measurementTime(TimeValue.milliseconds(options.iterationTime().toMillis()))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();
    }

    private String note(Structure structure, Operation operation, int batch, Result<?> score) {
        String error = Double.isFinite(score.getScoreError())
                ? String.format(Locale.ROOT, "± %.1f ns (99.9%%), ", score.getScoreError()) : "";
        String what = switch (operation) {
            case ADD -> "a fresh key due in 1–30 days";
            case CANCEL -> structure == Structure.DELAY_QUEUE
                    ? "by key: DelayQueue.remove(entry) scans the heap, O(n)"
                    : "by key, with another String instance of the id";
            case ADVANCE -> structure == Structure.HASHED_WHEEL_TIMER
                    ? "per timeout: from offering timeouts due at once until the worker ran them all, offers and up"
                            + " to one 1 ms tick of waiting included"
                    : "per expiry: time moved tick by tick (10 ms) through a second in which the batch falls due";
        };
        String netty = structure == Structure.HASHED_WHEEL_TIMER && operation != Operation.ADVANCE
                ? "; only the caller's share: newTimeout/cancel offer to a queue, and the timer's own worker"
                        + " thread does the bucket insertion or unlinking on its next tick, on the other core"
                : "";
        return String.format(Locale.ROOT, "%s%s; %s; %,d ops per invocation, %s%s", error, what, structure.setup,
                batch, jmhSettings(), netty);
    }

    private String jmhSettings() {
        String where = options.forks() == 0 ? "in the run's JVM, no fork"
                : String.format(Locale.ROOT, "%d fork (-Xmx%s)", options.forks(), options.maxHeap());
        return String.format(Locale.ROOT, "%s, %d×%d ms warm-up, %d×%d ms measured", where,
                options.warmupIterations(), options.iterationTime().toMillis(), options.iterations(),
                options.iterationTime().toMillis());
    }
}
