package dev.lapse.bench.wheel;

import dev.lapse.revoker.wheel.TimingWheel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The revoker's {@link TimingWheel} (tick 10 ms, 512 buckets per level, as the revoker runs it) holding {@code live}
 * entries: add, cancel by key, and advance through due entries. Each invocation does {@code batch} operations; the
 * runner passes the same number as JMH's operations per invocation, so scores are per operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TimingWheelBenchmark {

    /**
     * A wheel holding {@code live} entries, and the time it has been advanced to: what the trials of add, cancel and
     * advance share when they run one after the other in one JVM, so that it is filled once, not once per trial.
     */
    static final class FilledWheel {
        final TimingWheel wheel;
        long nowMs = Entries.START_MS;

        FilledWheel(TimingWheel wheel) {
            this.wheel = wheel;
        }
    }

    /** The wheels filled so far, by {@code live}; only one JMH run at a time uses them. */
    private static final Map<Integer, FilledWheel> FILLED = new ConcurrentHashMap<>();

    /** Drops the wheel of {@code live} entries, so that the next one has its heap. */
    static void release(int live) {
        FILLED.remove(live);
    }

    /**
     * The wheel of {@code live} entries, filled by the first trial that needs it; every invocation leaves it holding
     * {@code live} entries again, so the next trial, of whatever operation, finds it as filled.
     */
    @State(Scope.Thread)
    public static class Filled {
        @Param("10000")
        public int live;
        @Param("10000")
        public int batch;

        FilledWheel shared;
        TimingWheel wheel;
        String[] fresh;
        long[] freshExpiryMs;
        /** The ids of {@link #fresh} again, other String instances: a revocation's id arrives in a record of its own. */
        String[] freshAgain;

        @Setup(Level.Trial)
        public void fill() {
            // Room for the first trial's batch on top: add's, as add runs first, and no operation adds more.
            shared = FILLED.computeIfAbsent(live, size -> {
                TimingWheel filling = new TimingWheel(Entries.TICK_MS, Entries.WHEEL_SIZE, Entries.START_MS,
                        size + batch);
                for (int i = 0; i < size; i++) {
                    filling.add(Entries.requestId(i), Entries.expiryMs(i), i % Entries.REQUESTERS);
                }
                return new FilledWheel(filling);
            });
            wheel = shared.wheel;
            fresh = Entries.requestIds(live, batch);
            freshAgain = Entries.requestIds(live, batch);
            freshExpiryMs = new long[batch];
            for (int i = 0; i < batch; i++) {
                freshExpiryMs[i] = Entries.expiryMs(live + i);
            }
        }
    }

    /** Takes the added entries out again after each invocation of {@link #add}. */
    public static class Adding extends Filled {
        @TearDown(Level.Invocation)
        public void cancelAdded() {
            for (String key : freshAgain) {
                wheel.cancel(key);
            }
        }
    }

    /** Adds the entries that each invocation of {@link #cancel} cancels. */
    public static class Cancelling extends Filled {
        @Setup(Level.Invocation)
        public void addToCancel() {
            for (int i = 0; i < batch; i++) {
                wheel.add(fresh[i], freshExpiryMs[i], i % Entries.REQUESTERS);
            }
        }
    }

    /** Adds the entries that each invocation of {@link #advance} finds due: spread over the next second. */
    public static class Advancing extends Filled {
        static final long SPAN_MS = 1_000;

        @Setup(Level.Invocation)
        public void addDue() {
            for (int i = 0; i < batch; i++) {
                wheel.add(fresh[i], shared.nowMs + 1 + i * SPAN_MS / batch, i % Entries.REQUESTERS);
            }
        }
    }

    @Benchmark
    public void add(Adding state) {
        for (int i = 0; i < state.batch; i++) {
            state.wheel.add(state.fresh[i], state.freshExpiryMs[i], i % Entries.REQUESTERS);
        }
    }

    @Benchmark
    public int cancel(Cancelling state) {
        int cancelled = 0;
        for (String key : state.freshAgain) {
            cancelled += state.wheel.cancel(key) ? 1 : 0;
        }
        return cancelled;
    }

    /** Moves time on tick by tick through the second in which the batch falls due, as the revoker's loop does. */
    @Benchmark
    public int advance(Advancing state) {
        int fired = 0;
        long endMs = state.shared.nowMs + Advancing.SPAN_MS;
        for (long nowMs = state.shared.nowMs + Entries.TICK_MS; nowMs <= endMs; nowMs += Entries.TICK_MS) {
            fired += state.wheel.advanceTo(nowMs).size();
        }
        state.shared.nowMs = endMs;
        return fired;
    }
}
