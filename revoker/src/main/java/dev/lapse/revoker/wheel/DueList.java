package dev.lapse.revoker.wheel;

import java.util.Arrays;

/**
 * The entries inside level 0's current tick, overdue ones included: they wait only for an exact time comparison.
 * A list in {@link Slots} like a bucket, plus the sort that hands them back in firing order: by expiry, then by
 * the order in which they were added.
 */
final class DueList {

    private final Slots slots;
    private final int root;
    /** Reused between advances to collect what falls due. */
    private int[] due = new int[64];

    DueList(Slots slots) {
        this.slots = slots;
        this.root = slots.newList();
    }

    void add(int slot) {
        slots.linkLast(root, slot);
    }

    /** The smallest expiry held, or {@code Long.MAX_VALUE} when empty; a linear scan. */
    long earliestExpiresAtMs() {
        long earliest = Long.MAX_VALUE;
        for (int slot = slots.next(root); slot != root; slot = slots.next(slot)) {
            earliest = Math.min(earliest, slots.expiresAtMs(slot));
        }
        return earliest;
    }

    /**
     * Collects the entries with {@code expiresAtMs <= nowMs} into {@link #collected()}, in firing order, and returns
     * how many; they stay linked until the caller releases them.
     */
    int collect(long nowMs) {
        int count = 0;
        for (int slot = slots.next(root); slot != root; slot = slots.next(slot)) {
            if (slots.expiresAtMs(slot) <= nowMs) {
                if (count == due.length) {
                    due = Arrays.copyOf(due, count * 2);
                }
                due[count++] = slot;
            }
        }
        sortByFiringOrder(count);
        return count;
    }

    /** The slots found by the last {@link #collect(long)}, valid up to its count. */
    int[] collected() {
        return due;
    }

    /** A bottom-up merge sort by expiry, then sequence: stable, O(n log n), and with no boxing. */
    private void sortByFiringOrder(int n) {
        if (n < 2) {
            return;
        }
        int[] scratch = new int[n];
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n - width; lo += 2 * width) {
                int mid = lo + width;
                int hi = (int) Math.min((long) lo + 2L * width, n);
                System.arraycopy(due, lo, scratch, lo, hi - lo);
                int left = lo;
                int right = mid;
                for (int k = lo; k < hi; k++) {
                    if (right >= hi || (left < mid && !firesBefore(scratch[right], scratch[left]))) {
                        due[k] = scratch[left++];
                    } else {
                        due[k] = scratch[right++];
                    }
                }
            }
        }
    }

    private boolean firesBefore(int a, int b) {
        long aMs = slots.expiresAtMs(a);
        long bMs = slots.expiresAtMs(b);
        return aMs < bMs || (aMs == bMs && slots.sequence(a) < slots.sequence(b));
    }
}
