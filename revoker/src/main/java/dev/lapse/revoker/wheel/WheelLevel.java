package dev.lapse.revoker.wheel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
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
 * <p>All times are assumed non-negative (the {@link TimingWheel} constructor enforces it), which is what lets
 * the differences below be computed without overflow.
 */
final class WheelLevel<T> {

    private final long tickMs;
    private final int wheelSize;
    /** {@code tickMs * wheelSize}; meaningless when {@link #coversAllTime} is set. */
    private final long intervalMs;
    /**
     * True when {@code tickMs * wheelSize} exceeds {@code Long.MAX_VALUE}: this level then already spans every
     * representable time, so it is the top and never grows an overflow level.
     */
    private final boolean coversAllTime;
    private final List<Bucket<T>> buckets;
    /** Receives a bucket each time it starts standing for a new time slot (the owner's priority queue). */
    private final Consumer<Bucket<T>> bucketScheduler;
    private long currentTimeMs;
    private @Nullable WheelLevel<T> overflow;

    WheelLevel(long tickMs, int wheelSize, long startMs, Consumer<Bucket<T>> bucketScheduler) {
        this.tickMs = tickMs;
        this.wheelSize = wheelSize;
        this.coversAllTime = tickMs > Long.MAX_VALUE / wheelSize;
        this.intervalMs = coversAllTime ? Long.MAX_VALUE : tickMs * wheelSize;
        this.bucketScheduler = bucketScheduler;
        this.currentTimeMs = startMs - startMs % tickMs;
        this.buckets = new ArrayList<>(wheelSize);
        for (int i = 0; i < wheelSize; i++) {
            buckets.add(new Bucket<>());
        }
    }

    /**
     * Stores the entry in this level or a coarser one.
     *
     * @return false if the entry lies before the end of this level's current tick; the caller then owns it (only
     *     the finest level can see this, because a coarser level receives only what its finer neighbour could not
     *     hold)
     */
    boolean add(WheelEntry<T> entry) {
        long expiresAtMs = entry.expiresAtMs;
        if (expiresAtMs < currentTimeMs || expiresAtMs - currentTimeMs < tickMs) {
            return false;
        }
        if (coversAllTime || expiresAtMs - currentTimeMs < intervalMs) {
            long virtualTick = expiresAtMs / tickMs;
            Bucket<T> bucket = buckets.get((int) (virtualTick % wheelSize));
            bucket.add(entry);
            if (bucket.setExpirationMs(virtualTick * tickMs)) {
                bucketScheduler.accept(bucket);
            }
            return true;
        }
        return overflow().add(entry);
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

    private WheelLevel<T> overflow() {
        WheelLevel<T> existing = overflow;
        if (existing != null) {
            return existing;
        }
        // One tick of the coarser level is exactly this whole level, so cascading a coarse bucket always lands
        // its entries inside this level's range.
        WheelLevel<T> created = new WheelLevel<>(intervalMs, wheelSize, currentTimeMs, bucketScheduler);
        overflow = created;
        return created;
    }
}
