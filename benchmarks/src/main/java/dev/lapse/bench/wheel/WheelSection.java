package dev.lapse.bench.wheel;

import dev.lapse.bench.BenchOptions;
import dev.lapse.bench.ForkedJvm;
import dev.lapse.bench.Section;
import dev.lapse.bench.Stand;
import dev.lapse.bench.report.Measurement;
import dev.lapse.bench.report.Row;
import dev.lapse.bench.report.Table;
import dev.lapse.bench.wheel.WheelFork.Score;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.runner.RunnerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wheel's micro-benchmarks: add, cancel and advance on the revoker's {@code TimingWheel}, the JDK's
 * {@code DelayQueue} and Netty's {@code HashedWheelTimer}, at each size of {@link BenchOptions.Wheel#liveEntries()}.
 * Each structure and size gets one forked JVM of its own ({@link WheelFork}, with its own heap), filled once, in which
 * JMH measures add, cancel and advance in turn: at 10^7 entries filling a {@code DelayQueue} or a
 * {@code HashedWheelTimer} takes far longer than measuring it, and every invocation leaves the structure as full as
 * it found it, so the three operations need not fill it three times.
 */
public final class WheelSection implements Section {

    private static final Logger log = LoggerFactory.getLogger(WheelSection.class);
    private static final String SECTION = "timing wheel (JMH)";
    /** A fork fills 10^7 entries in up to ~40 s, then measures for seconds; one that hangs is killed. */
    private static final Duration FORK_TIMEOUT = Duration.ofMinutes(5);

    /** A structure measured, and how many operations one invocation does for it. */
    enum Structure {
        TIMING_WHEEL("timing-wheel", "Lapse TimingWheel", TimingWheelBenchmark.class,
                TimingWheelBenchmark::release, "tick 10 ms, 512 buckets a level, UUID keys"),
        DELAY_QUEUE("delay-queue", "java.util.concurrent.DelayQueue", DelayQueueBenchmark.class,
                DelayQueueBenchmark::release, "with a HashMap key → entry"),
        HASHED_WHEEL_TIMER("hashed-wheel-timer", "Netty HashedWheelTimer", HashedWheelTimerBenchmark.class,
                HashedWheelTimerBenchmark::release, "1 ms tick, 512 buckets, with a HashMap key → timeout");

        final String key;
        final String title;
        final Class<?> benchmark;
        private final IntConsumer release;
        final String setup;

        Structure(String key, String title, Class<?> benchmark, IntConsumer release, String setup) {
            this.key = key;
            this.title = title;
            this.benchmark = benchmark;
            this.release = release;
            this.setup = setup;
        }

        /** Drops the structure of {@code live} entries that its benchmark class keeps between JMH runs. */
        void release(int live) {
            release.accept(live);
        }

        /**
         * Operations per invocation: enough that JMH's per-invocation hooks cost nothing per operation, few enough
         * that an invocation of the slow ones (a DelayQueue's linear-scan cancel) stays well under an iteration;
         * divided by {@code scale} (see {@link BenchOptions.Wheel#scale()}), at least 1.
         */
        int batch(Operation operation, int live, int scale) {
            int batch;
            if (this == DELAY_QUEUE && operation == Operation.CANCEL) {
                batch = live <= 10_000 ? 1_000 : live <= 1_000_000 ? 20 : 4;
            } else {
                // The timer's worker moves at most 100,000 offered timeouts into buckets a tick: one tick's worth.
                batch = this == HASHED_WHEEL_TIMER && operation == Operation.ADVANCE ? 100_000 : 10_000;
            }
            return Math.max(1, batch / scale);
        }
    }

    /**
     * What is measured per operation, in the order one fill is measured in: advance last, as it is the only one that
     * moves the structure's time on.
     */
    enum Operation {
        ADD("add"), CANCEL("cancel"), ADVANCE("advance");

        final String method;

        Operation(String method) {
            this.method = method;
        }

        /** The operation whose benchmark method is {@code method}. */
        static Optional<Operation> of(String method) {
            return Arrays.stream(values()).filter(operation -> operation.method.equals(method)).findFirst();
        }
    }

    /**
     * What the JMH runs on one fill gave.
     *
     * @param scores the operations measured, each with its score
     * @param failure why the others were not, if they were not
     */
    private record Measured(Map<Operation, Score> scores, @Nullable String failure) {
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
            Map<Integer, Measured> bySize = new HashMap<>();
            for (int live : options.liveEntries()) {
                bySize.put(live, options.forks() == 0 ? inThisJvm(structure, live) : forked(structure, live));
            }
            for (Operation operation : Operation.values()) {
                for (int live : options.liveEntries()) {
                    rows.add(row(structure, operation, live, bySize.get(live)));
                }
            }
        }
        return rows;
    }

    /** One forked JVM for {@code structure} at {@code live} entries; its scores read back from what it printed. */
    private Measured forked(Structure structure, int live) {
        long startNs = System.nanoTime();
        String what = String.format(Locale.ROOT, "the fork for %s at %d live entries", structure.key, live);
        ForkedJvm.Outcome fork = ForkedJvm.run(what, List.of("-Xms" + options.maxHeap(), "-Xmx" + options.maxHeap()),
                WheelFork.class, WheelFork.args(structure, live, options), FORK_TIMEOUT);
        Map<Operation, Score> scores = new EnumMap<>(Operation.class);
        fork.out().forEach(line -> Score.parse(line).ifPresent(score -> scores.put(score.operation(), score)));
        long seconds = (System.nanoTime() - startNs) / 1_000_000_000;
        if (fork.failure() != null) {
            log.warn("{} failed after {} s: {}\n{}", what, seconds, fork.failure(), String.join("\n", fork.err()));
        } else {
            log.info("{}: one forked JVM, filled once, add, cancel and advance measured in {} s", what, seconds);
        }
        return new Measured(scores, fork.failure());
    }

    /** The smoke run's way: the same JMH runs, in this JVM. */
    private Measured inThisJvm(Structure structure, int live) {
        // In-process runs (the smoke run) measure nothing worth guarding: another JMH run on the machine, which holds
        // JMH's lock file, must not make them fail.
        System.setProperty("jmh.ignoreLock", "true");
        Map<Operation, Score> scores = new EnumMap<>(Operation.class);
        String failure = null;
        try {
            WheelFork.measure(structure, live, options, true, score -> scores.put(score.operation(), score));
        } catch (RunnerException | RuntimeException e) {
            log.warn("{} at {} live entries could not be measured", structure.title, live, e);
            failure = "JMH failed: " + e;
        }
        return new Measured(scores, failure);
    }

    private Row row(Structure structure, Operation operation, int live, Measured measured) {
        String id = String.format(Locale.ROOT, "wheel.%s.%s.%d", structure.key, operation.method, live);
        String figure = String.format(Locale.ROOT, "%s: %s, %,d live entries", structure.title, operation.method,
                live);
        Score score = measured.scores().get(operation);
        if (score == null) {
            String why = measured.failure() != null ? measured.failure()
                    : "the fork printed no result for " + operation.method;
            return new Row(id, SECTION, figure, new Measurement.Missing(why), "");
        }
        log.info("{}: {} ns/op ± {}", figure, Math.round(score.nsPerOp()), Math.round(score.error()));
        int batch = structure.batch(operation, live, options.scale());
        return new Row(id, SECTION, figure, new Measurement.Amount(score.nsPerOp(), "ns/op"),
                note(structure, operation, batch, score));
    }

    private String note(Structure structure, Operation operation, int batch, Score score) {
        String error = Double.isFinite(score.error())
                ? String.format(Locale.ROOT, "± %.1f ns (99.9%%), ", score.error()) : "";
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
        String where = options.forks() == 0 ? "in the run's JVM, no fork, filled once per structure and size, JMH"
                + " runs add, cancel, advance in turn"
                : String.format(Locale.ROOT, "one forked JVM (-Xmx%s) per structure and size, filled once, JMH in it"
                        + " runs add, cancel, advance in turn", options.maxHeap());
        return String.format(Locale.ROOT, "%s, each %d×%d ms warm-up, %d×%d ms measured", where,
                options.warmupIterations(), options.iterationTime().toMillis(), options.iterations(),
                options.iterationTime().toMillis());
    }
}
