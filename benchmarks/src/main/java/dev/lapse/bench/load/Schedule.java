package dev.lapse.bench.load;

/**
 * An open-loop schedule at a fixed rate: item {@code i} (from 0) is due {@code i / perSecond} seconds after the
 * start, whatever became of the items before it. A driver that measures latency from an item's due moment, not from
 * when it managed to send it, cannot hide its own lag (no coordinated omission).
 */
public record Schedule(double perSecond) {

    private static final double NANOS_PER_SECOND = 1e9;

    public Schedule {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("a schedule's rate must be a finite number > 0, got " + perSecond);
        }
    }

    /** How many items are due by {@code elapsedNanos} after the start: item 0 at once, then one per period. */
    public long dueBy(long elapsedNanos) {
        if (elapsedNanos < 0) {
            return 0;
        }
        // The estimate can be off by one either way in floating point; the loops make it agree with dueAtNanos.
        long count = (long) Math.floor(elapsedNanos * perSecond / NANOS_PER_SECOND) + 1;
        while (dueAtNanos(count) <= elapsedNanos) {
            count++;
        }
        while (count > 0 && dueAtNanos(count - 1) > elapsedNanos) {
            count--;
        }
        return count;
    }

    /** When item {@code index} is due, in nanoseconds after the start. */
    public long dueAtNanos(long index) {
        return Math.round(index * NANOS_PER_SECOND / perSecond);
    }
}
