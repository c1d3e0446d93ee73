package dev.lapse.revoker.wheel;

import org.jspecify.annotations.Nullable;

/**
 * One level of the hierarchy: {@code wheelSize} buckets of {@code tickMs} each, plus a lazily created coarser
 * level for whatever lies beyond this level's interval.
 *
 * <p>The level's clock, {@link #currentTimeMs}, is always a multiple of {@code tickMs}. Bucket {@code i} holds
 * entries whose "virtual tick" {@code expiresAtMs / tickMs} is congruent to {@code i} modulo {@code wheelSize}.
 * Only virtual ticks {@code current + 1 .. current + wheelSize - 1} are ever stored, so two different slot times
 * never share a bucket, and the slot of the current tick stays empty.
 *
 * <p>A bucket is a list root in {@link Slots}; its {@code expiresAtMs} is the start of the slot it stands for, or
 * {@link #UNSCHEDULED} while it is not in the queue. The level puts a bucket in the queue only when that start
 * changes, so a bucket is queued at most once however many entries it gathers.
 *
 * <p>All times are assumed non-negative (the {@link TimingWheel} constructor enforces it), which is what lets
 * the differences below be computed without overflow.
 */
final class WheelLevel {

    /** The expiration of a bucket that is not in the queue. */
    static final long UNSCHEDULED = Long.MIN_VALUE;

    private final Slots slots;
    private final BucketQueue queue;
    private final long tickMs;
    private final int wheelSize;
    /** {@code tickMs * wheelSize}; meaningless when {@link #coversAllTime} is set. */
    private final long intervalMs;
    /**
     * True when {@code tickMs * wheelSize} exceeds {@code Long.MAX_VALUE}: this level then already spans every
     * representable time, so it is the top and never grows an overflow level.
     */
    private final boolean coversAllTime;
    private final int[] buckets;
    private long currentTimeMs;
    private @Nullable WheelLevel overflow;

    WheelLevel(Slots slots, BucketQueue queue, long tickMs, int wheelSize, long startMs) {
        this.slots = slots;
        this.queue = queue;
        this.tickMs = tickMs;
        this.wheelSize = wheelSize;
        this.coversAllTime = tickMs > Long.MAX_VALUE / wheelSize;
        this.intervalMs = coversAllTime ? Long.MAX_VALUE : tickMs * wheelSize;
        this.currentTimeMs = startMs - startMs % tickMs;
        this.buckets = new int[wheelSize];
        for (int i = 0; i < wheelSize; i++) {
            buckets[i] = slots.newList();
            slots.setExpiresAtMs(buckets[i], UNSCHEDULED);
        }
    }

    /**
     * Stores the slot in this level or a coarser one.
     *
     * @return false if its expiry lies before the end of this level's current tick; the caller then keeps it (only
     *     the finest level can see this, because a coarser level receives only what its finer neighbour could not
     *     hold)
     */
    boolean add(int slot) {
        long expiresAtMs = slots.expiresAtMs(slot);
        if (expiresAtMs < currentTimeMs || expiresAtMs - currentTimeMs < tickMs) {
            return false;
        }
        if (coversAllTime || expiresAtMs - currentTimeMs < intervalMs) {
            long virtualTick = expiresAtMs / tickMs;
            int bucket = buckets[(int) (virtualTick % wheelSize)];
            slots.linkLast(bucket, slot);
            long bucketMs = virtualTick * tickMs;
            long scheduledMs = slots.expiresAtMs(bucket);
            if (scheduledMs != bucketMs) {
                if (scheduledMs != UNSCHEDULED) {
                    // The queue orders by this field; changing it while queued would silently corrupt the heap.
                    throw new IllegalStateException(
                            "bucket for " + scheduledMs + " reused for " + bucketMs + " before it was flushed");
                }
                slots.setExpiresAtMs(bucket, bucketMs);
                queue.offer(bucket);
            }
            return true;
        }
        return overflow().add(slot);
    }

    /**
     * Moves this level's clock, and its coarser levels' clocks, to the tick containing {@code timeMs}.
     *
     * <p>The caller must already have flushed every bucket whose slot starts at or before {@code timeMs};
     * otherwise the slot could be reused for a later time while it still holds entries.
     */
    void advanceClock(long timeMs) {
        if (timeMs >= currentTimeMs && timeMs - currentTimeMs >= tickMs) {
            currentTimeMs = timeMs - timeMs % tickMs;
            if (overflow != null) {
                overflow.advanceClock(currentTimeMs);
            }
        }
    }

    /** Number of levels from this one to the coarsest created so far, for tests and diagnostics. */
    int depth() {
        return overflow == null ? 1 : 1 + overflow.depth();
    }

    private WheelLevel overflow() {
        WheelLevel existing = overflow;
        if (existing != null) {
            return existing;
        }
        // One tick of the coarser level is exactly this whole level, so cascading a coarse bucket always lands
        // its entries inside this level's range.
        WheelLevel created = new WheelLevel(slots, queue, intervalMs, wheelSize, currentTimeMs);
        overflow = created;
        return created;
    }
}
