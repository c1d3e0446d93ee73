package dev.lapse.revoker.wheel;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The entries of one wheel slot: a circular doubly linked list around a sentinel root, so that insert and remove
 * are O(1) and need no null checks at the ends.
 *
 * <p>A bucket also remembers the start of the time slot it currently stands for ({@link #expirationMs()}). The
 * slot is reused for a later time once its entries have been flushed, and the owner puts the bucket in its
 * priority queue only when that expiration changes, so a bucket is queued at most once however many entries it
 * gathers.
 */
final class Bucket<T> {

    /** Marks a bucket that is not in the owner's priority queue. */
    static final long NO_EXPIRATION = Long.MIN_VALUE;

    /**
     * Links shared by the sentinel and the real entries. An unlinked node points at itself, which keeps both
     * fields non-null for its whole life.
     */
    static class Link<T> {
        Link<T> prev = this;
        Link<T> next = this;
    }

    private final Link<T> root = new Link<>();
    private long expirationMs = NO_EXPIRATION;

    /** Appends at the tail, which keeps a bucket's entries in insertion order. */
    void add(WheelEntry<T> entry) {
        if (entry.bucket != null) {
            throw new IllegalStateException(entry + " is already held by a bucket");
        }
        Link<T> tail = root.prev;
        entry.prev = tail;
        entry.next = root;
        tail.next = entry;
        root.prev = entry;
        entry.bucket = this;
    }

    /** Unlinks {@code entry}; a no-op if another bucket (or none) holds it, so a stale call cannot corrupt a list. */
    void remove(WheelEntry<T> entry) {
        if (entry.bucket != this) {
            return;
        }
        entry.prev.next = entry.next;
        entry.next.prev = entry.prev;
        entry.prev = entry;
        entry.next = entry;
        entry.bucket = null;
    }

    /** Removes and returns the oldest entry, or null when the bucket is empty. */
    @Nullable WheelEntry<T> pollFirst() {
        if (root.next == root) {
            return null;
        }
        // Every node other than the sentinel is an entry: only add() links nodes in, and it takes entries.
        WheelEntry<T> first = (WheelEntry<T>) root.next;
        remove(first);
        return first;
    }

    /** Moves every entry with {@code expiresAtMs <= nowMs} to {@code out}; the others stay, in their order. */
    void drainExpired(long nowMs, List<WheelEntry<T>> out) {
        Link<T> node = root.next;
        while (node != root) {
            WheelEntry<T> entry = (WheelEntry<T>) node;
            node = node.next;
            if (entry.expiresAtMs <= nowMs) {
                remove(entry);
                out.add(entry);
            }
        }
    }

    /** The smallest {@code expiresAtMs} held, or {@code Long.MAX_VALUE} when empty; a linear scan. */
    long earliestExpiresAtMs() {
        long earliest = Long.MAX_VALUE;
        for (Link<T> node = root.next; node != root; node = node.next) {
            earliest = Math.min(earliest, ((WheelEntry<T>) node).expiresAtMs);
        }
        return earliest;
    }

    boolean isEmpty() {
        return root.next == root;
    }

    long expirationMs() {
        return expirationMs;
    }

    /**
     * Sets the start of the slot this bucket stands for.
     *
     * @return true if the value changed, i.e. the bucket is not yet in the priority queue for this time and the
     *     caller must offer it
     */
    boolean setExpirationMs(long newExpirationMs) {
        if (expirationMs == newExpirationMs) {
            return false;
        }
        if (expirationMs != NO_EXPIRATION) {
            // The queue orders by this field; changing it while queued would silently corrupt the heap.
            throw new IllegalStateException(
                    "bucket for " + expirationMs + " reused for " + newExpirationMs + " before it was flushed");
        }
        expirationMs = newExpirationMs;
        return true;
    }

    /** Called once the bucket has left the priority queue, so the next use of the slot queues it again. */
    void clearExpiration() {
        expirationMs = NO_EXPIRATION;
    }

    @Override
    public String toString() {
        return "Bucket[" + (expirationMs == NO_EXPIRATION ? "unscheduled" : expirationMs) + "]";
    }
}
