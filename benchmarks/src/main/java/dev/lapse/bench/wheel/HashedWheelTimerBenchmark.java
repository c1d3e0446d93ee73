package dev.lapse.bench.wheel;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
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
 * Netty's {@link HashedWheelTimer} (512 buckets, a 1 ms tick, its finest) holding {@code live} timeouts, beside a
 * {@code HashMap} from request id to timeout, since a revocation cancels by request id.
 *
 * <p>What is measured differs from the other two structures, because the timer works on a thread of its own and on
 * real time. {@code newTimeout} only offers the timeout to a queue, and {@code cancel} only marks it and offers it to
 * another; the timer's worker thread puts timeouts into buckets (at most 100,000 a tick) and unlinks cancelled ones
 * on its next tick, on another core. So add and cancel here are the caller's share of the work, not the insertion.
 * Advance cannot be driven by the caller: it is measured from the moment a batch of timeouts due at once is offered
 * until the worker has run them all, so it includes their offers and up to one tick of waiting (10 ns per timeout at
 * a batch of 100,000), and no key index (the worker would need a thread-safe one).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HashedWheelTimerBenchmark {

    private static final TimerTask NOTHING = timeout -> { };

    /**
     * A timer holding {@code live} timeouts, with its index: what the trials of add, cancel and advance share when
     * they run one after the other in one JVM, so that it is filled once, not once per trial. Its worker thread runs
     * until {@link #release}; it is a daemon, so a JVM that ends without that is not held up by it.
     */
    static final class FilledTimer {
        final HashedWheelTimer timer = new HashedWheelTimer(runnable -> {
            Thread thread = new Thread(runnable, "bench-hashed-wheel-timer");
            thread.setDaemon(true);
            return thread;
        }, 1, TimeUnit.MILLISECONDS, Entries.WHEEL_SIZE, false, -1);
        final Map<String, Timeout> index;

        FilledTimer(int expected) {
            index = new HashMap<>((int) (expected / 0.75f) + 1);
        }
    }

    /** The timers filled so far, by {@code live}; only one JMH run at a time uses them. */
    private static final Map<Integer, FilledTimer> FILLED = new ConcurrentHashMap<>();

    /** Stops the timer of {@code live} timeouts and drops it, so that the next one has the cores and the heap. */
    static void release(int live) {
        FilledTimer filled = FILLED.remove(live);
        if (filled != null) {
            filled.timer.stop();
        }
    }

    /**
     * The timer of {@code live} timeouts, filled by the first trial that needs it; every invocation leaves it holding
     * {@code live} timeouts again, so the next trial, of whatever operation, finds it as filled.
     */
    @State(Scope.Thread)
    public static class Filled {
        @Param("10000")
        public int live;
        @Param("10000")
        public int batch;

        HashedWheelTimer timer;
        Map<String, Timeout> index;
        String[] fresh;
        long[] freshDelayMs;
        String[] freshAgain;

        @Setup(Level.Trial)
        public void fill() {
            // Room for the first trial's batch on top: add's, as add runs first; advance's timeouts go unindexed.
            FilledTimer shared = FILLED.computeIfAbsent(live, size -> {
                FilledTimer filling = new FilledTimer(size + batch);
                for (int i = 0; i < size; i++) {
                    filling.index.put(Entries.requestId(i), filling.timer.newTimeout(NOTHING,
                            Entries.expiryMs(i) - Entries.START_MS, TimeUnit.MILLISECONDS));
                }
                return filling;
            });
            timer = shared.timer;
            index = shared.index;
            fresh = Entries.requestIds(live, batch);
            freshAgain = Entries.requestIds(live, batch);
            freshDelayMs = new long[batch];
            for (int i = 0; i < batch; i++) {
                freshDelayMs[i] = Entries.expiryMs(live + i) - Entries.START_MS;
            }
        }

        final boolean cancel(String key) {
            Timeout timeout = index.remove(key);
            return timeout != null && timeout.cancel();
        }
    }

    /** Takes the added timeouts out again after each invocation of {@link #add}. */
    public static class Adding extends Filled {
        @TearDown(Level.Invocation)
        public void cancelAdded() {
            for (String key : freshAgain) {
                cancel(key);
            }
        }
    }

    /** Adds the timeouts that each invocation of {@link #cancel} cancels. */
    public static class Cancelling extends Filled {
        @Setup(Level.Invocation)
        public void addToCancel() {
            for (int i = 0; i < batch; i++) {
                index.put(fresh[i], timer.newTimeout(NOTHING, freshDelayMs[i], TimeUnit.MILLISECONDS));
            }
        }
    }

    /** Counts down as the worker runs the batch of each invocation of {@link #advance}. */
    public static class Advancing extends Filled {
        volatile CountDownLatch fired = new CountDownLatch(0);
        final TimerTask fire = timeout -> fired.countDown();

        @Setup(Level.Invocation)
        public void expectBatch() {
            fired = new CountDownLatch(batch);
        }
    }

    @Benchmark
    public void add(Adding state) {
        for (int i = 0; i < state.batch; i++) {
            state.index.put(state.fresh[i], state.timer.newTimeout(NOTHING, state.freshDelayMs[i],
                    TimeUnit.MILLISECONDS));
        }
    }

    @Benchmark
    public int cancel(Cancelling state) {
        int cancelled = 0;
        for (String key : state.freshAgain) {
            cancelled += state.cancel(key) ? 1 : 0;
        }
        return cancelled;
    }

    @Benchmark
    public void advance(Advancing state) throws InterruptedException {
        for (int i = 0; i < state.batch; i++) {
            state.timer.newTimeout(state.fire, 0, TimeUnit.MILLISECONDS);
        }
        if (!state.fired.await(1, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the timer's worker did not run " + state.batch + " due timeouts in 1 min");
        }
    }
}
