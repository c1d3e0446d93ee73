package dev.lapse.revoker.wheel;

import java.util.Arrays;

/**
 * The non-empty buckets, earliest slot first: a binary min-heap of bucket roots (sentinel slots) ordered by the
 * start of the time slot each stands for ({@link Slots#expiresAtMs} of the root). It holds at most one entry per
 * bucket, so O(log b) is over b ≤ levels × wheelSize, whatever the number of entries.
 */
final class BucketQueue {

    private final Slots slots;
    private int[] heap = new int[16];
    private int size;

    BucketQueue(Slots slots) {
        this.slots = slots;
    }

    void offer(int root) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        int i = size++;
        long key = slots.expiresAtMs(root);
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (slots.expiresAtMs(heap[parent]) <= key) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = root;
    }

    /** The earliest bucket's root, or {@link Slots#NONE} when empty. */
    int peek() {
        return size == 0 ? Slots.NONE : heap[0];
    }

    /** Removes the earliest bucket; the queue must not be empty. */
    void poll() {
        int last = heap[--size];
        if (size == 0) {
            return;
        }
        long key = slots.expiresAtMs(last);
        int i = 0;
        for (int child = 1; child < size; child = 2 * i + 1) {
            if (child + 1 < size && slots.expiresAtMs(heap[child + 1]) < slots.expiresAtMs(heap[child])) {
                child++;
            }
            if (key <= slots.expiresAtMs(heap[child])) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = last;
    }
}
