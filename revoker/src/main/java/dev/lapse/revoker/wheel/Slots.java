package dev.lapse.revoker.wheel;

import java.util.Arrays;

/**
 * The memory of the wheel: every entry is a slot number, and its fields live in two flat arrays, with no object
 * per entry. A slot holds a key as two longs (a UUID's 128 bits), its expiry, its insertion sequence, the two links
 * of the circular doubly linked list it sits in, and the caller's int tag: 4 longs and 3 ints, 44 bytes.
 *
 * <p>Bucket and due lists are the same circular lists Kafka's timer uses, with a sentinel slot as their root, so
 * that linking and unlinking are O(1) and need neither null checks nor a pointer from an entry to its list. A
 * sentinel's {@code expiresAtMs} field holds the start of the time slot its bucket stands for. An unlinked slot
 * points at itself, so unlinking it again is a no-op.
 *
 * <p>Freed slots are reused first (a free list threaded through their {@code next} links), so the arrays grow only
 * when every slot is taken, by half their size: right after growth at least two thirds of the slots are in use.
 * They never shrink.
 */
final class Slots {

    /** "No slot": an empty free list, a key not found. */
    static final int NONE = -1;

    private static final int LONGS_PER_SLOT = 4;
    private static final int KEY_HI = 0;
    private static final int KEY_LO = 1;
    private static final int EXPIRES_AT_MS = 2;
    private static final int SEQUENCE = 3;

    private static final int INTS_PER_SLOT = 3;
    private static final int NEXT = 0;
    private static final int PREV = 1;
    private static final int TAG = 2;

    private static final int MIN_CAPACITY = 16;
    /** Keeps both arrays' lengths below Integer.MAX_VALUE. */
    private static final int MAX_CAPACITY = (Integer.MAX_VALUE - 8) / LONGS_PER_SLOT;

    private long[] longs;
    private int[] ints;
    private int capacity;
    /** Slots below this have been handed out at least once; those above have never been used. */
    private int used;
    private int freeHead = NONE;

    Slots(int initialCapacity) {
        capacity = Math.min(MAX_CAPACITY, Math.max(MIN_CAPACITY, initialCapacity));
        longs = new long[capacity * LONGS_PER_SLOT];
        ints = new int[capacity * INTS_PER_SLOT];
    }

    /** A slot, unlinked (pointing at itself) and holding no key, with its other fields as they were left. */
    int allocate() {
        int slot = freeHead;
        if (slot != NONE) {
            freeHead = next(slot);
        } else {
            if (used == capacity) {
                grow();
            }
            slot = used++;
        }
        setNext(slot, slot);
        setPrev(slot, slot);
        // A key left by the slot's last use would look indexed to KeyIndex's rehash.
        setKey(slot, 0, 0);
        return slot;
    }

    /** Gives an unlinked slot back for reuse. */
    void free(int slot) {
        setPrev(slot, NONE);
        setNext(slot, freeHead);
        freeHead = slot;
    }

    /** A new, empty list; its root is a slot that is never freed. */
    int newList() {
        return allocate();
    }

    /** Appends {@code slot} at the tail of the list rooted at {@code root}, keeping insertion order. */
    void linkLast(int root, int slot) {
        int tail = prev(root);
        setPrev(slot, tail);
        setNext(slot, root);
        setNext(tail, slot);
        setPrev(root, slot);
    }

    /** Unlinks {@code slot} from whichever list holds it; a no-op for an unlinked slot. */
    void unlink(int slot) {
        int next = next(slot);
        int prev = prev(slot);
        setNext(prev, next);
        setPrev(next, prev);
        setNext(slot, slot);
        setPrev(slot, slot);
    }

    /** Whether {@code slot} is handed out (an entry or a list root) rather than free or never used. */
    boolean isAllocated(int slot) {
        return slot < used && prev(slot) != NONE;
    }

    /** Slots handed out at least once: every allocated slot is below this. */
    int used() {
        return used;
    }

    boolean isEmpty(int root) {
        return next(root) == root;
    }

    /** Slots allocatable without growing: the length of the arrays, in slots. */
    int capacity() {
        return capacity;
    }

    long keyHi(int slot) {
        return longs[slot * LONGS_PER_SLOT + KEY_HI];
    }

    long keyLo(int slot) {
        return longs[slot * LONGS_PER_SLOT + KEY_LO];
    }

    void setKey(int slot, long hi, long lo) {
        longs[slot * LONGS_PER_SLOT + KEY_HI] = hi;
        longs[slot * LONGS_PER_SLOT + KEY_LO] = lo;
    }

    long expiresAtMs(int slot) {
        return longs[slot * LONGS_PER_SLOT + EXPIRES_AT_MS];
    }

    void setExpiresAtMs(int slot, long expiresAtMs) {
        longs[slot * LONGS_PER_SLOT + EXPIRES_AT_MS] = expiresAtMs;
    }

    long sequence(int slot) {
        return longs[slot * LONGS_PER_SLOT + SEQUENCE];
    }

    void setSequence(int slot, long sequence) {
        longs[slot * LONGS_PER_SLOT + SEQUENCE] = sequence;
    }

    int tag(int slot) {
        return ints[slot * INTS_PER_SLOT + TAG];
    }

    void setTag(int slot, int tag) {
        ints[slot * INTS_PER_SLOT + TAG] = tag;
    }

    int next(int slot) {
        return ints[slot * INTS_PER_SLOT + NEXT];
    }

    int prev(int slot) {
        return ints[slot * INTS_PER_SLOT + PREV];
    }

    private void setNext(int slot, int next) {
        ints[slot * INTS_PER_SLOT + NEXT] = next;
    }

    private void setPrev(int slot, int prev) {
        ints[slot * INTS_PER_SLOT + PREV] = prev;
    }

    private void grow() {
        if (capacity == MAX_CAPACITY) {
            throw new IllegalStateException("the wheel holds its maximum of " + MAX_CAPACITY + " entries");
        }
        // Growing by half rather than doubling keeps at least two thirds of the arrays in use right after growth,
        // which is what holds the per-entry budget at every size, not only on average.
        capacity = (int) Math.min(MAX_CAPACITY, capacity + (long) (capacity >> 1));
        longs = Arrays.copyOf(longs, capacity * LONGS_PER_SLOT);
        ints = Arrays.copyOf(ints, capacity * INTS_PER_SLOT);
    }
}
