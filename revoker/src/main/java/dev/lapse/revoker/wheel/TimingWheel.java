package dev.lapse.revoker.wheel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * Schedules keys to lapse at given epoch-millisecond times and hands them back once the caller's clock reaches
 * them: a hierarchical timing wheel (Varghese &amp; Lauck), driven entirely by times the caller passes in, that keeps
 * its entries in flat arrays rather than one object each, so that ten million of them fit in well under 1 GB.
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
 *   <li>{@code add("a", 1234, 0)}: 1234 is beyond level 0, so it goes to level 1, in the slot [1200, 1250).</li>
 *   <li>{@code advanceTo(1200)}: that slot has started, so its bucket is flushed with level 0 at 1200; "a" now
 *       fits level 0 and moves to its slot [1230, 1240). Nothing is returned.</li>
 *   <li>{@code advanceTo(1233)}: slot [1230, 1240) has started; "a" is in the current tick, so it waits in the
 *       due list. 1234 &gt; 1233, so nothing is returned.</li>
 *   <li>{@code advanceTo(1234)}: returns "a".</li>
 * </ol>
 *
 * <p><b>Memory.</b> An entry is a slot number in {@link Slots}: its key as two longs when the key is a canonical
 * UUID, its expiry, its insertion sequence, two list links and the caller's int tag, 44 bytes in two arrays that
 * grow by half, so 44 to 66 bytes per entry. {@link KeyIndex} finds a key's slot through an open-addressing table of
 * ints kept at most half full, 8 to 16 bytes per entry. No object is allocated per entry: an entry costs 52 to 82
 * bytes of heap at any size, whatever the number of adds and cancels before (freed slots are reused first). A key
 * that is not a canonical UUID also costs two map entries and its String (about 150 bytes); a tag stands for
 * whatever the caller wants to carry, through a table of its own.
 *
 * <p><b>Resolution.</b> Exact to the millisecond: an entry is returned by the first {@code advanceTo(nowMs)} with
 * {@code nowMs >= expiresAtMs}, never earlier and never later, ordered by expiry, then by the order in which the
 * entries were added. {@code tickMs} only sets how coarsely entries are grouped, which trades cascading work
 * against queue size; it adds no delay. The only delay is how often the caller advances, which
 * {@link #nextExpiryBucketMs()} helps it choose.
 *
 * <p><b>Costs</b>, for m levels (m grows as log<sub>wheelSize</sub>(horizon / tickMs); 4 levels of 512 ticks of
 * 10 ms reach 21 years): {@code cancel} is O(1); {@code add} is O(1) linking after an O(m) walk to its level, plus
 * an O(log b) queue insert only when its bucket was empty (b ≤ m · wheelSize); both also make one O(1) expected
 * lookup in the key index. An entry moves down at most m times, so firing costs O(m) amortized per entry, plus
 * sorting what falls due in one advance. A jump of any length visits only non-empty buckets, never each tick.
 *
 * <p><b>Time.</b> The wheel never reads a clock: every time is an epoch-millisecond {@code long} from the caller,
 * {@code >= 0}, and {@code advanceTo} never goes backwards (a wall-clock driver can clamp to currentTimeMs()).
 *
 * <p><b>Threads.</b> Not thread-safe: one owner thread calls every method. There are no locks, no background
 * threads and no callbacks.
 */
public final class TimingWheel {

    private final Slots slots;
    private final KeyIndex index;
    private final BucketQueue queue;
    private final WheelLevel root;
    private final DueList dueSoon;
    /** The exact time of the last advance; the levels keep their own clocks, rounded down to their ticks. */
    private long currentTimeMs;
    private long nextSequence;

    /**
     * Creates an empty wheel whose clock starts at {@code startMs}.
     *
     * @throws IllegalArgumentException if {@code tickMs < 1}, {@code wheelSize < 2} or {@code startMs < 0}
     */
    public TimingWheel(long tickMs, int wheelSize, long startMs) {
        this(tickMs, wheelSize, startMs, 0);
    }

    /**
     * Like {@link #TimingWheel(long, int, long)}, with room for {@code expectedEntries} (UUID keys) before the arrays
     * and the key index first grow: a caller that knows how many entries it will hold, such as a benchmark, avoids
     * copying them on the way.
     */
    public TimingWheel(long tickMs, int wheelSize, long startMs, int expectedEntries) {
        if (tickMs < 1) {
            throw new IllegalArgumentException("tickMs must be >= 1, was " + tickMs);
        }
        if (wheelSize < 2) {
            throw new IllegalArgumentException("wheelSize must be >= 2, was " + wheelSize);
        }
        if (startMs < 0) {
            throw new IllegalArgumentException("startMs must be >= 0 (epoch milliseconds), was " + startMs);
        }
        int expected = Math.max(0, expectedEntries);
        // Room for the due list and four levels of buckets too: four levels of 512 ticks of 10 ms span 21 years.
        this.slots = new Slots((int) Math.min(Integer.MAX_VALUE, expected + 4L * wheelSize + 1));
        this.index = new KeyIndex(slots, expected);
        this.queue = new BucketQueue(slots);
        this.dueSoon = new DueList(slots);
        this.root = new WheelLevel(slots, queue, tickMs, wheelSize, startMs);
        this.currentTimeMs = startMs;
    }

    /**
     * Schedules {@code key} to lapse at {@code expiresAtMs} carrying {@code tag}, replacing any schedule the key
     * already has. An expiry at or before {@link #currentTimeMs()} is kept as overdue and returned by the next
     * {@link #advanceTo(long)}.
     *
     * @return what the key was scheduled with until now, or empty if it was not scheduled (no allocation then)
     */
    public Optional<Expiry> add(String key, long expiresAtMs, int tag) {
        Objects.requireNonNull(key, "key");
        int slot = index.find(key);
        Optional<Expiry> replaced;
        if (slot == Slots.NONE) {
            slot = slots.allocate();
            index.insert(key, slot);
            replaced = Optional.empty();
        } else {
            replaced = Optional.of(new Expiry(key, slots.expiresAtMs(slot), slots.tag(slot)));
            slots.unlink(slot);
        }
        slots.setExpiresAtMs(slot, expiresAtMs);
        slots.setSequence(slot, nextSequence++);
        slots.setTag(slot, tag);
        place(slot);
        return replaced;
    }

    /** Unschedules {@code key}; returns true if it was scheduled (and so will no longer be returned). */
    public boolean cancel(String key) {
        int slot = index.find(Objects.requireNonNull(key, "key"));
        if (slot == Slots.NONE) {
            return false;
        }
        release(slot);
        return true;
    }

    /** Unschedules {@code key} and returns what it was scheduled with, or empty if it was not scheduled. */
    public Optional<Expiry> remove(String key) {
        int slot = index.find(Objects.requireNonNull(key, "key"));
        if (slot == Slots.NONE) {
            return Optional.empty();
        }
        Expiry removed = new Expiry(key, slots.expiresAtMs(slot), slots.tag(slot));
        release(slot);
        return Optional.of(removed);
    }

    /**
     * Unschedules every key that matches and returns them, in no particular order. O(n) in the number of scheduled
     * keys, with a String made for each: it is for rare, bulk events such as giving up a Kafka partition, never for
     * the data path.
     */
    public List<Expiry> removeIf(Predicate<String> keys) {
        List<Expiry> removed = new ArrayList<>();
        // A copy of the slots, because releasing one moves entries of the index's table.
        for (int slot : index.slots()) {
            String key = index.keyOf(slot);
            if (keys.test(key)) {
                removed.add(new Expiry(key, slots.expiresAtMs(slot), slots.tag(slot)));
                release(slot);
            }
        }
        return removed;
    }

    /**
     * Moves the clock to {@code nowMs} and removes and returns every entry with {@code expiresAtMs <= nowMs},
     * ordered by expiry, then by the order in which they were added.
     *
     * @return an unmodifiable list, empty if nothing lapsed
     * @throws IllegalArgumentException if {@code nowMs < currentTimeMs()}
     */
    public List<Expiry> advanceTo(long nowMs) {
        if (nowMs < currentTimeMs) {
            throw new IllegalArgumentException(
                    "nowMs must not go backwards: was " + nowMs + ", currentTimeMs is " + currentTimeMs);
        }
        currentTimeMs = nowMs;
        for (int bucket = queue.peek(); bucket != Slots.NONE && slots.expiresAtMs(bucket) <= nowMs;
                bucket = queue.peek()) {
            queue.poll();
            // Moving the clocks to the slot start first lets re-insertion place each entry one level finer.
            root.advanceClock(slots.expiresAtMs(bucket));
            slots.setExpiresAtMs(bucket, WheelLevel.UNSCHEDULED);
            while (!slots.isEmpty(bucket)) {
                int slot = slots.next(bucket);
                slots.unlink(slot);
                place(slot);
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
        for (int head = queue.peek(); head != Slots.NONE && slots.isEmpty(head); head = queue.peek()) {
            queue.poll();
            slots.setExpiresAtMs(head, WheelLevel.UNSCHEDULED);
        }
        if (index.size() == 0) {
            return OptionalLong.empty();
        }
        int head = queue.peek();
        long bucketMs = head == Slots.NONE ? Long.MAX_VALUE : slots.expiresAtMs(head);
        return OptionalLong.of(Math.min(bucketMs, dueSoon.earliestExpiresAtMs()));
    }

    /** Number of keys scheduled and not yet returned or cancelled. */
    public int size() {
        return index.size();
    }

    /** What {@code key} is scheduled with, or empty if it is not scheduled; O(1). */
    public Optional<Expiry> get(String key) {
        int slot = index.find(Objects.requireNonNull(key, "key"));
        return slot == Slots.NONE ? Optional.empty() : Optional.of(new Expiry(key, slots.expiresAtMs(slot),
                slots.tag(slot)));
    }

    /** Whether {@code key} is scheduled and not yet returned or cancelled. */
    public boolean contains(String key) {
        return index.find(Objects.requireNonNull(key, "key")) != Slots.NONE;
    }

    /** The time of the last {@link #advanceTo(long)}, or {@code startMs} before the first one. */
    public long currentTimeMs() {
        return currentTimeMs;
    }

    /** Number of levels created so far; only for tests that check overflow levels are really used. */
    int levelCount() {
        return root.depth();
    }

    /** Slots the arrays hold without growing, buckets included; only for tests of reuse and growth. */
    int slotCapacity() {
        return slots.capacity();
    }

    /** Length of the key index's table; only for tests of pre-sizing. */
    int keyTableLength() {
        return index.tableLength();
    }

    /** Keys held outside the compact UUID form; only for tests. */
    int otherKeyCount() {
        return index.otherKeyCount();
    }

    private void place(int slot) {
        if (!root.add(slot)) {
            dueSoon.add(slot);
        }
    }

    private void release(int slot) {
        // The bucket may now be empty yet still queued; it is dropped when it reaches the head of the queue.
        slots.unlink(slot);
        index.remove(slot);
        slots.free(slot);
    }

    private List<Expiry> takeDue(long nowMs) {
        int count = dueSoon.collect(nowMs);
        if (count == 0) {
            return List.of();
        }
        int[] due = dueSoon.collected();
        List<Expiry> expiries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int slot = due[i];
            expiries.add(new Expiry(index.keyOf(slot), slots.expiresAtMs(slot), slots.tag(slot)));
            release(slot);
        }
        return Collections.unmodifiableList(expiries);
    }
}
