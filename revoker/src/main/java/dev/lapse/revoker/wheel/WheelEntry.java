package dev.lapse.revoker.wheel;

import java.util.Comparator;
import org.jspecify.annotations.Nullable;

/**
 * One scheduled key: what it carries, when it lapses, and which list currently holds it.
 *
 * <p>The entry is immutable apart from its links and {@link #bucket}; rescheduling a key creates a new entry, so
 * a stale reference can never resurrect an old expiry.
 */
final class WheelEntry<T> extends Bucket.Link<T> {

    /** The order {@link TimingWheel#advanceTo(long)} promises: by expiry, then by when the key was added. */
    static final Comparator<WheelEntry<?>> FIRING_ORDER =
            Comparator.<WheelEntry<?>>comparingLong(e -> e.expiresAtMs).thenComparingLong(e -> e.sequence);

    final String key;
    final long expiresAtMs;
    final T payload;
    /** Global insertion order, the tie-breaker among entries that lapse in the same millisecond. */
    final long sequence;
    /** The list holding the entry, or null once it has fired or been cancelled; makes cancel O(1). */
    @Nullable Bucket<T> bucket;

    WheelEntry(String key, long expiresAtMs, T payload, long sequence) {
        this.key = key;
        this.expiresAtMs = expiresAtMs;
        this.payload = payload;
        this.sequence = sequence;
    }

    /** Removes the entry from whichever list holds it; a no-op when it is held by none. */
    void unlink() {
        Bucket<T> holder = bucket;
        if (holder != null) {
            holder.remove(this);
        }
    }

    Expiry<T> toExpiry() {
        return new Expiry<>(key, expiresAtMs, payload);
    }

    @Override
    public String toString() {
        return "WheelEntry[" + key + " @" + expiresAtMs + " #" + sequence + "]";
    }
}
