package dev.lapse.bench.wheel;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
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
 * The JDK's {@link DelayQueue} (a binary heap under a lock) holding {@code live} entries, used as the revoker uses its
 * wheel: beside a {@code HashMap} from request id to entry, since a revocation cancels by request id. Cancel is
 * {@link DelayQueue#remove(Object)}, a linear scan of the heap: the queue has no other way. Its clock is a field the
 * benchmark moves, like the wheel's, so advancing is polling what is due, without waiting for real time.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DelayQueueBenchmark {

    /** The time the entries' delays are measured from; only the benchmark's thread moves it. */
    static final class VirtualClock {
        long nowMs = Entries.START_MS;
    }

    /** One entry: a request id due at an instant. Identity equality, as {@code remove} then compares references. */
    static final class Entry implements Delayed {
        final String key;
        final long dueMs;
        final VirtualClock clock;

        Entry(String key, long dueMs, VirtualClock clock) {
            this.key = key;
            this.dueMs = dueMs;
            this.clock = clock;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueMs - clock.nowMs, TimeUnit.MILLISECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(dueMs, ((Entry) other).dueMs);
        }
    }

    /**
     * A queue holding {@code live} entries, with its index, its clock and its heap's array after the fill: what the
     * trials of add, cancel and advance share when they run one after the other in one JVM, so that it is filled
     * once, not once per trial.
     */
    static final class FilledQueue {
        final VirtualClock clock = new VirtualClock();
        final DelayQueue<Entry> queue = new DelayQueue<>();
        final Map<String, Entry> index;
        /** See {@link Adding}: every invocation leaves the queue holding these entries again, in whatever order. */
        Entry[] heapOrder = new Entry[0];

        FilledQueue(int expected) {
            index = new HashMap<>((int) (expected / 0.75f) + 1);
        }
    }

    /** The queues filled so far, by {@code live}; only one JMH run at a time uses them. */
    private static final Map<Integer, FilledQueue> FILLED = new ConcurrentHashMap<>();

    /** Drops the queue of {@code live} entries, so that the next one has its heap. */
    static void release(int live) {
        FILLED.remove(live);
    }

    /**
     * The queue of {@code live} entries, filled by the first trial that needs it; every invocation leaves it holding
     * {@code live} entries again, so the next trial, of whatever operation, finds it as filled.
     */
    @State(Scope.Thread)
    public static class Filled {
        @Param("10000")
        public int live;
        @Param("10000")
        public int batch;

        VirtualClock clock;
        DelayQueue<Entry> queue;
        Map<String, Entry> index;
        String[] fresh;
        long[] freshExpiryMs;
        String[] freshAgain;
        /** The heap's array after the fill, in its order; see {@link Adding}. */
        Entry[] heapOrder;

        @Setup(Level.Trial)
        public void fill() {
            FilledQueue shared = FILLED.get(live);
            boolean first = shared == null;
            if (first) {
                // Room for the first trial's batch on top: add's, as add runs first, and no operation adds more.
                shared = new FilledQueue(live + batch);
            }
            clock = shared.clock;
            queue = shared.queue;
            index = shared.index;
            if (first) {
                for (int i = 0; i < live; i++) {
                    add(Entries.requestId(i), Entries.expiryMs(i));
                }
                shared.heapOrder = queue.toArray(new Entry[0]);
                FILLED.put(live, shared);
            }
            heapOrder = shared.heapOrder;
            fresh = Entries.requestIds(live, batch);
            freshAgain = Entries.requestIds(live, batch);
            freshExpiryMs = new long[batch];
            for (int i = 0; i < batch; i++) {
                freshExpiryMs[i] = Entries.expiryMs(live + i);
            }
        }

        final void add(String key, long dueMs) {
            Entry entry = new Entry(key, dueMs, clock);
            index.put(key, entry);
            queue.offer(entry);
        }

        final boolean cancel(String key) {
            Entry entry = index.remove(key);
            return entry != null && queue.remove(entry);
        }
    }

    /**
     * Puts the queue back as it was after each invocation of {@link #add}. Removing the added entries one by one
     * would cost a scan of the heap each (10 ms at 10^7 entries), so the heap is rebuilt from a copy of its array
     * taken after the fill: offered again in heap order, no entry moves, and the array is the same as before.
     */
    public static class Adding extends Filled {
        @TearDown(Level.Invocation)
        public void restore() {
            queue.clear();
            for (Entry entry : heapOrder) {
                queue.offer(entry);
            }
            for (String key : freshAgain) {
                index.remove(key);
            }
        }
    }

    /** Adds the entries that each invocation of {@link #cancel} cancels. */
    public static class Cancelling extends Filled {
        @Setup(Level.Invocation)
        public void addToCancel() {
            for (int i = 0; i < batch; i++) {
                add(fresh[i], freshExpiryMs[i]);
            }
        }
    }

    /** Adds the entries that each invocation of {@link #advance} finds due: spread over the next second. */
    public static class Advancing extends Filled {
        static final long SPAN_MS = 1_000;

        @Setup(Level.Invocation)
        public void addDue() {
            for (int i = 0; i < batch; i++) {
                add(fresh[i], clock.nowMs + 1 + i * SPAN_MS / batch);
            }
        }
    }

    @Benchmark
    public void add(Adding state) {
        for (int i = 0; i < state.batch; i++) {
            state.add(state.fresh[i], state.freshExpiryMs[i]);
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

    /** Moves the clock tick by tick through the second in which the batch falls due, polling what is due. */
    @Benchmark
    public int advance(Advancing state) {
        int fired = 0;
        long endMs = state.clock.nowMs + Advancing.SPAN_MS;
        for (long nowMs = state.clock.nowMs + Entries.TICK_MS; nowMs <= endMs; nowMs += Entries.TICK_MS) {
            state.clock.nowMs = nowMs;
            for (Entry due = state.queue.poll(); due != null; due = state.queue.poll()) {
                state.index.remove(due.key);
                fired++;
            }
        }
        return fired;
    }
}
