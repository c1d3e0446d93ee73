package dev.lapse.revoker.wheel;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Finds the slot of a key in O(1). A key in the canonical form of a UUID (36 characters, lower-case hex, as
 * {@link UUID#toString()} writes it) is stored in its slot as two longs and indexed by an open-addressing table of
 * slot numbers: 16 bytes in the slot, 4 to 16 in the table, and no object at all. Any other key, the rare case, is
 * kept as a String in two maps beside it.
 *
 * <p><b>Table.</b> Linear probing over an {@code int[]} of slot + 1 (0 is empty), whose length is a power of two and
 * at least twice the number of UUID keys: a lookup probes 1.5 entries on average and a miss 2.5. Removal shifts the
 * following entries back instead of leaving tombstones, so a table that sees millions of adds and removes never
 * degrades. The table doubles when half full and never shrinks.
 *
 * <p><b>Only canonical UUIDs are compact</b>, because a key must come back exactly as it was given: "ABC…" or
 * "1-2-3-4-5" parse as UUIDs but would be written back differently. The nil UUID is not compact either: a slot whose
 * two key longs are both zero is how a non-UUID key is marked.
 */
final class KeyIndex {

    private static final int MIN_TABLE_LENGTH = 16;
    /** Lower-case hex digits by character; -1 for any other, upper case too: it would not survive the round trip. */
    private static final byte[] HEX_DIGITS = new byte[128];

    static {
        Arrays.fill(HEX_DIGITS, (byte) -1);
        for (int digit = 0; digit < 16; digit++) {
            HEX_DIGITS[Character.forDigit(digit, 16)] = (byte) digit;
        }
    }

    private final Slots slots;
    private int[] table;
    private int uuidKeys;
    private final Map<String, Integer> otherSlots = new HashMap<>();
    private final Map<Integer, String> otherKeys = new HashMap<>();

    // The last key parsed, so that a lookup followed by an insert of the same key parses it once.
    private String parsedKey = "";
    private boolean parsedIsUuid;
    private long parsedHi;
    private long parsedLo;

    KeyIndex(Slots slots) {
        this(slots, 0);
    }

    /** An index with room for {@code expectedKeys} UUID keys before its table first grows. */
    KeyIndex(Slots slots, int expectedKeys) {
        this.slots = slots;
        int length = MIN_TABLE_LENGTH;
        while (length < (1 << 30) && length / 2 < expectedKeys) {
            length *= 2;
        }
        this.table = new int[length];
    }

    /** The slot holding {@code key}, or {@link Slots#NONE}. */
    int find(String key) {
        parse(key);
        if (!parsedIsUuid) {
            Integer slot = otherSlots.get(key);
            return slot == null ? Slots.NONE : slot;
        }
        int mask = table.length - 1;
        for (int i = home(parsedHi, parsedLo) & mask; ; i = (i + 1) & mask) {
            int entry = table[i];
            if (entry == 0) {
                return Slots.NONE;
            }
            int slot = entry - 1;
            if (slots.keyHi(slot) == parsedHi && slots.keyLo(slot) == parsedLo) {
                return slot;
            }
        }
    }

    /**
     * Writes {@code key} into {@code slot} and indexes it; the key must not be indexed yet, and the slot must hold
     * no key (as {@link Slots#allocate()} hands it out).
     */
    void insert(String key, int slot) {
        parse(key);
        if (!parsedIsUuid) {
            slots.setKey(slot, 0, 0);
            otherSlots.put(key, slot);
            otherKeys.put(slot, key);
            return;
        }
        if (uuidKeys + 1 > table.length / 2) {
            // Before the key is written: the rehash indexes every slot that holds one.
            rehash(table.length * 2);
        }
        slots.setKey(slot, parsedHi, parsedLo);
        place(table, slot);
        uuidKeys++;
    }

    /** Removes the key of {@code slot} from the index; the slot must be indexed. */
    void remove(int slot) {
        long hi = slots.keyHi(slot);
        long lo = slots.keyLo(slot);
        if (hi == 0 && lo == 0) {
            otherSlots.remove(otherKeys.remove(slot));
            return;
        }
        int mask = table.length - 1;
        int i = home(hi, lo) & mask;
        while (table[i] != slot + 1) {
            i = (i + 1) & mask;
        }
        // Backward shift: move up every later entry of the run that may live at i, so no lookup meets a gap
        // before reaching its key.
        for (int j = (i + 1) & mask; table[j] != 0; j = (j + 1) & mask) {
            int moved = table[j] - 1;
            int movedHome = home(slots.keyHi(moved), slots.keyLo(moved)) & mask;
            if (((j - movedHome) & mask) >= ((j - i) & mask)) {
                table[i] = table[j];
                i = j;
            }
        }
        table[i] = 0;
        uuidKeys--;
    }

    /** The key held in {@code slot}, as it was given. */
    String keyOf(int slot) {
        long hi = slots.keyHi(slot);
        long lo = slots.keyLo(slot);
        if (hi == 0 && lo == 0) {
            return otherKeys.get(slot);
        }
        return new UUID(hi, lo).toString();
    }

    /** Every indexed slot, in no particular order: a copy, so the caller may remove keys while going through it. */
    int[] slots() {
        int[] all = new int[size()];
        int count = 0;
        for (int entry : table) {
            if (entry != 0) {
                all[count++] = entry - 1;
            }
        }
        for (int slot : otherKeys.keySet()) {
            all[count++] = slot;
        }
        return all;
    }

    int size() {
        return uuidKeys + otherKeys.size();
    }

    /** Number of keys not in UUID form, kept in the maps; for tests. */
    int otherKeyCount() {
        return otherKeys.size();
    }

    /** Length of the open-addressing table; for tests and the memory estimate. */
    int tableLength() {
        return table.length;
    }

    private void place(int[] into, int slot) {
        int mask = into.length - 1;
        int i = home(slots.keyHi(slot), slots.keyLo(slot)) & mask;
        while (into[i] != 0) {
            i = (i + 1) & mask;
        }
        into[i] = slot + 1;
    }

    private void rehash(int length) {
        int[] grown = new int[length];
        // Walks the slots in order rather than the old table: reading the keys sequentially lets the CPU prefetch
        // them, where the table's order would cost a cache miss per key once the arrays outgrow the caches.
        for (int slot = 0, used = slots.used(); slot < used; slot++) {
            if (slots.isAllocated(slot) && (slots.keyHi(slot) != 0 || slots.keyLo(slot) != 0)) {
                place(grown, slot);
            }
        }
        table = grown;
    }

    /**
     * Mixes both halves into the probe start: random UUIDs would need no mixing, but time-ordered ones (v1, v7)
     * share their high bits and name-based ones are only as random as SHA-1's output is.
     */
    private static int home(long hi, long lo) {
        long h = hi * 0x9E3779B97F4A7C15L + lo;
        h = (h ^ (h >>> 32)) * 0xD6E8FEB86659FD93L;
        return (int) (h ^ (h >>> 32));
    }

    private void parse(String key) {
        if (key == parsedKey) {
            return;
        }
        parsedIsUuid = false;
        parsedKey = key;
        if (key.length() != 36 || key.charAt(8) != '-' || key.charAt(13) != '-' || key.charAt(18) != '-'
                || key.charAt(23) != '-') {
            return;
        }
        // Groups of 8-4-4 and 4-12 hex digits; each group is at most 48 bits, so -1 can mean "not hex".
        long a = hex(key, 0, 8);
        long b = hex(key, 9, 13);
        long c = hex(key, 14, 18);
        long d = hex(key, 19, 23);
        long e = hex(key, 24, 36);
        if ((a | b | c | d | e) < 0) {
            return;
        }
        long hi = a << 32 | b << 16 | c;
        long lo = d << 48 | e;
        if (hi == 0 && lo == 0) {
            return;
        }
        parsedHi = hi;
        parsedLo = lo;
        parsedIsUuid = true;
    }

    /** The value of the lower-case hex digits {@code key[from, to)}, or -1 if any is not one. */
    private static long hex(String key, int from, int to) {
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = key.charAt(i);
            int digit = c < HEX_DIGITS.length ? HEX_DIGITS[c] : -1;
            if (digit < 0) {
                return -1;
            }
            value = value << 4 | digit;
        }
        return value;
    }
}
