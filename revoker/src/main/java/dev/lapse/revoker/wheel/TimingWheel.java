package dev.lapse.revoker.wheel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * Schedules keys to lapse at given epoch-millisecond times and hands them back once the caller's clock reaches
 * them: a hierarchical timing wheel (Varghese &amp; Lauck), driven entirely by times the caller passes in.
 *
 * <p><b>Algorithm.</b> Level 0 is a ring of {@code wheelSize} buckets of {@code tickMs} each, so it spans
 * {@code tickMs * wheelSize}. Whatever lies beyond that goes to level 1, created on first need, whose tick is the
 * whole span of level 0; level 2's tick is the span of level 1, and so on. A bucket holds every entry whose expiry
 * falls in its slot, in a doubly linked list. Each non-empty bucket sits once in a priority queue keyed by the
 * start of its slot. {@link #advanceTo(long)} pops the buckets whose slots have started, moves the clocks there and
 * re-inserts their entries: an entry from a coarse bucket falls into a finer level ("cascading"), and an entry that
 * lands in the current tick of level 0 waits in a due list until the caller's time reaches its exact expiry.
 *
 * <p><b>Worked example</b> ({@code tickMs = 10}, {@code wheelSize = 5}, {@code startMs = 1000}). Level 0 spans
 * [1000, 1050) in slots of 10 ms; level 1 spans [1000, 1250) in slots of 50 ms.
 * <ol>
 *   <li>{@code add("a", 1234, p)}: 1234 is beyond level 0, so it goes to level 1, in the slot [1200, 1250).</li>
 *   <li>{@code advanceTo(1200)}: that slot has started, so its bucket is flushed with level 0 at 1200; "a" now
 *       fits level 0 and moves to its slot [1230, 1240). Nothing is returned.</li>
 *   <li>{@code advanceTo(1233)}: slot [1230, 1240) has started; "a" is in the current tick, so it waits in the
 *       due list. 1234 &gt; 1233, so nothing is returned.</li>
 *   <li>{@code advanceTo(1234)}: returns "a".</li>
 * </ol>
 *
 * <p><b>Resolution.</b> Exact to the millisecond: an entry is returned by the first {@code advanceTo(nowMs)} with
 * {@code nowMs >= expiresAtMs}, never earlier and never later. {@code tickMs} only sets how coarsely entries are
 * grouped, which trades memory and cascading work against queue size; it adds no delay. The only delay is how
 * often the caller advances, which {@link #nextExpiryBucketMs()} helps it choose.
 *
 * <p><b>Costs</b>, for m levels (m grows as log<sub>wheelSize</sub>(horizon / tickMs); 4 levels of 512 ticks of
 * 10 ms reach 21 years): {@code cancel} is O(1); {@code add} is O(1) linking after an O(m) walk to its level, plus
 * an O(log b) queue insert only when its bucket was empty (b ≤ m · wheelSize). An entry moves down at most m
 * times, so firing costs O(m) amortized per entry. A jump of any length visits only non-empty buckets, never each
 * tick. Memory is O(entries + m · wheelSize).
 *
 * <p><b>Time.</b> The wheel never reads a clock: every time is an epoch-millisecond {@code long} from the caller,
 * {@code >= 0}, and {@code advanceTo} never goes backwards (a wall-clock driver can clamp to currentTimeMs()).
 *
 * <p><b>Threads.</b> Not thread-safe: one owner thread calls every method. There are no locks, no background
 * threads and no callbacks.
 *
 * @param <T> type of the payload carried with each key (for the revoker, the grant to revoke)
 */
public final class TimingWheel<T> {

    private final PriorityQueue<Bucket<T>> queue = new PriorityQueue<>(Comparator.comparingLong(Bucket::expirationMs));
    private final Map<String, WheelEntry<T>> index = new HashMap<>();
    /** Entries inside level 0's current tick, including overdue ones: they only need an exact time comparison. */
    private final Bucket<T> dueSoon = new Bucket<>();
    private final WheelLevel<T> root;
    /** The exact time of the last advance; the levels keep their own clocks, rounded down to their ticks. */
    private long currentTimeMs;
    private long nextSequence;

    /**
     * Creates an empty wheel whose clock starts at {@code startMs}.
     *
     * @throws IllegalArgumentException if {@code tickMs < 1}, {@code wheelSize < 2} or {@code startMs < 0}
     */
    public TimingWheel(long tickMs, int wheelSize, long startMs) {
        if (tickMs < 1) {
            throw new IllegalArgumentException("tickMs must be >= 1, was " + tickMs);
        }
        if (wheelSize < 2) {
            throw new IllegalArgumentException("wheelSize must be >= 2, was " + wheelSize);
        }
        if (startMs < 0) {
            throw new IllegalArgumentException("startMs must be >= 0 (epoch milliseconds), was " + startMs);
        }
        this.root = new WheelLevel<>(tickMs, wheelSize, startMs, queue::offer);
        this.currentTimeMs = startMs;
    }

    /**
     * Schedules {@code key} to lapse at {@code expiresAtMs}, replacing any schedule the key already has. An expiry
     * at or before {@link #currentTimeMs()} is kept as overdue and returned by the next {@link #advanceTo(long)}.
     */
    public void add(String key, long expiresAtMs, T payload) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(payload, "payload");
        WheelEntry<T> entry = new WheelEntry<>(key, expiresAtMs, payload, nextSequence++);
        WheelEntry<T> replaced = index.put(key, entry);
        if (replaced != null) {
            replaced.unlink();
        }
        place(entry);
    }

    /** Unschedules {@code key}; returns true if it was scheduled (and so will no longer be returned). */
    public boolean cancel(String key) {
        WheelEntry<T> entry = index.remove(Objects.requireNonNull(key, "key"));
        if (entry == null) {
            return false;
        }
        // The bucket may now be empty yet still queued; it is dropped when it reaches the head of the queue.
        entry.unlink();
        return true;
    }

    /**
     * Unschedules every key that matches; returns how many. O(n) in the number of scheduled keys: it is for rare,
     * bulk events such as giving up a Kafka partition, never for the data path.
     */
    public int cancelIf(Predicate<String> keys) {
        List<String> matching = index.keySet().stream().filter(keys).toList();
        matching.forEach(this::cancel);
        return matching.size();
    }

    /**
     * Moves the clock to {@code nowMs} and removes and returns every entry with {@code expiresAtMs <= nowMs},
     * ordered by expiry, then by the order in which they were added.
     *
     * @return an unmodifiable list, empty if nothing lapsed
     * @throws IllegalArgumentException if {@code nowMs < currentTimeMs()}
     */
    public List<Expiry<T>> advanceTo(long nowMs) {
        if (nowMs < currentTimeMs) {
            throw new IllegalArgumentException(
                    "nowMs must not go backwards: was " + nowMs + ", currentTimeMs is " + currentTimeMs);
        }
        currentTimeMs = nowMs;
        for (Bucket<T> bucket = queue.peek(); bucket != null && bucket.expirationMs() <= nowMs; bucket = queue.peek()) {
            queue.poll();
            // Moving the clocks to the slot start first lets re-insertion place each entry one level finer.
            root.advanceClock(bucket.expirationMs());
            bucket.clearExpiration();
            for (WheelEntry<T> entry = bucket.pollFirst(); entry != null; entry = bucket.pollFirst()) {
                place(entry);
            }
        }
        root.advanceClock(nowMs);
        return takeDue(nowMs);
    }

    /**
     * Returns a time no later than the earliest scheduled expiry, or empty if nothing is scheduled: the start of the
     * earliest non-empty bucket, or an exact expiry once an entry is in level 0's current tick. A driver that sleeps
     * until then and calls {@link #advanceTo(long)} loses no precision; that advance may only cascade, and asking
     * again then gives a later, finer time. A value at or before {@link #currentTimeMs()} means something is due.
     */
    public OptionalLong nextExpiryBucketMs() {
        // Buckets emptied by cancel stay queued until here or advanceTo drops them; that keeps cancel O(1).
        for (Bucket<T> head = queue.peek(); head != null && head.isEmpty(); head = queue.peek()) {
            queue.poll();
            head.clearExpiration();
        }
        if (index.isEmpty()) {
            return OptionalLong.empty();
        }
        Bucket<T> head = queue.peek();
        long bucketMs = head == null ? Long.MAX_VALUE : head.expirationMs();
        return OptionalLong.of(Math.min(bucketMs, dueSoon.earliestExpiresAtMs()));
    }

    /** Number of keys scheduled and not yet returned or cancelled. */
    public int size() {
        return index.size();
    }

    /** The payload scheduled under {@code key}, or empty if it is not scheduled; O(1). */
    public Optional<T> get(String key) {
        WheelEntry<T> entry = index.get(Objects.requireNonNull(key, "key"));
        return entry == null ? Optional.empty() : Optional.of(entry.payload);
    }

    /** Whether {@code key} is scheduled and not yet returned or cancelled. */
    public boolean contains(String key) {
        return index.containsKey(Objects.requireNonNull(key, "key"));
    }

    /** The time of the last {@link #advanceTo(long)}, or {@code startMs} before the first one. */
    public long currentTimeMs() {
        return currentTimeMs;
    }

    /** Number of levels created so far; only for tests that check overflow levels are really used. */
    int levelCount() {
        return root.depth();
    }

    private void place(WheelEntry<T> entry) {
        if (!root.add(entry)) {
            dueSoon.add(entry);
        }
    }

    private List<Expiry<T>> takeDue(long nowMs) {
        List<WheelEntry<T>> due = new ArrayList<>();
        dueSoon.drainExpired(nowMs, due);
        due.sort(WheelEntry.FIRING_ORDER);
        due.forEach(entry -> index.remove(entry.key));
        return due.stream().map(WheelEntry::toExpiry).toList();
    }
}
