package dev.lapse.schemas.kafka;

import dev.lapse.schemas.HexIds;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The claims of one partition of a {@link SeenRequests} state: request id → the record that claimed it, compact
 * because it keeps every id a service ever acted on. A request id in canonical UUID form (36 lower-case characters,
 * what REST submissions get) claimed by a record of the guarded topic is held as three longs in one open-addressing
 * array: the id's 128 bits and the claimant's partition and offset, 32 to 64 bytes a claim where a map of strings
 * took about 196, and nothing for the collector to trace. Any other id or claimant is kept as text, exactly.
 * Both forms are exact: no id is ever mistaken for another. Thread-safe.
 */
final class ClaimTable {

    /** What a claim whose record is not known is held as: every record naming its id is another's. */
    static final String UNKNOWN_SOURCE = "unknown";

    private static final int STRIDE = 3;
    private static final int MAX_PARTITION = (1 << 16) - 1;
    private static final long MAX_OFFSET = (1L << 47) - 1;
    // Set in every packed claimant, so a slot whose claimant is 0 is free.
    private static final long TAKEN = 1L << 63;

    private final String guardedTopic;
    /** [high bits, low bits, packed claimant] per slot; the length is a power of two times STRIDE. */
    private long[] slots = new long[16 * STRIDE];
    private int packedCount;
    private final Map<String, String> asText = new HashMap<>();

    ClaimTable(String guardedTopic) {
        this.guardedTopic = guardedTopic;
    }

    /** Claims {@code requestId} for the record at {@code topic-partition@offset}, replacing an earlier claim. */
    synchronized void put(String requestId, String topic, int partition, long offset) {
        long[] uuid = HexIds.canonicalUuidBits(requestId);
        long packed = pack(topic, partition, offset);
        if (uuid != null && packed != 0) {
            asText.remove(requestId);
            putPacked(uuid[0], uuid[1], packed);
        } else {
            removePacked(uuid);
            asText.put(requestId, source(topic, partition, offset));
        }
    }

    /**
     * Claims {@code requestId} for the record a state record's source names ({@code topic-partition@offset}); a source
     * that is missing or not of that form is kept as it is, and then no record is its claimant but one that prints
     * the same.
     */
    synchronized void putSource(String requestId, String source) {
        int at = source.lastIndexOf('@');
        int dash = at < 0 ? -1 : source.lastIndexOf('-', at);
        if (dash > 0) {
            try {
                int partition = Integer.parseInt(source, dash + 1, at, 10);
                long offset = Long.parseLong(source, at + 1, source.length(), 10);
                String topic = source.substring(0, dash);
                if (partition >= 0 && offset >= 0 && source(topic, partition, offset).equals(source)) {
                    put(requestId, topic, partition, offset);
                    return;
                }
            } catch (NumberFormatException e) {
                // not a source this class wrote: kept as text below
            }
        }
        removePacked(HexIds.canonicalUuidBits(requestId));
        asText.put(requestId, source);
    }

    /** Forgets the claim on {@code requestId}, if any. */
    synchronized void remove(String requestId) {
        asText.remove(requestId);
        removePacked(HexIds.canonicalUuidBits(requestId));
    }

    /** The record that claimed {@code requestId} ({@code topic-partition@offset}), or null when none did. */
    synchronized @Nullable String claimant(String requestId) {
        String text = asText.get(requestId);
        if (text != null) {
            return text;
        }
        long[] uuid = HexIds.canonicalUuidBits(requestId);
        if (uuid == null) {
            return null;
        }
        int slot = find(uuid[0], uuid[1]);
        return slot < 0 ? null : unpack(slots[slot + 2]);
    }

    /** Whether a record other than the one at {@code topic-partition@offset} claimed {@code requestId}. */
    synchronized boolean claimedByAnother(String requestId, String topic, int partition, long offset) {
        String text = asText.get(requestId);
        if (text != null) {
            return !text.equals(source(topic, partition, offset));
        }
        long[] uuid = HexIds.canonicalUuidBits(requestId);
        if (uuid == null) {
            return false;
        }
        int slot = find(uuid[0], uuid[1]);
        // A record that cannot be packed (another topic) is never the packed claimant: pack gives 0 for it.
        return slot >= 0 && slots[slot + 2] != pack(topic, partition, offset);
    }

    /** How many ids are claimed. */
    synchronized int size() {
        return packedCount + asText.size();
    }

    static String source(String topic, int partition, long offset) {
        return topic + "-" + partition + "@" + offset;
    }

    private long pack(String topic, int partition, long offset) {
        if (!topic.equals(guardedTopic) || partition < 0 || partition > MAX_PARTITION || offset < 0
                || offset > MAX_OFFSET) {
            return 0;
        }
        return TAKEN | ((long) partition << 47) | offset;
    }

    private String unpack(long packed) {
        return source(guardedTopic, (int) ((packed >>> 47) & MAX_PARTITION), packed & MAX_OFFSET);
    }

    private void putPacked(long high, long low, long packed) {
        int slot = find(high, low);
        if (slot >= 0) {
            slots[slot + 2] = packed;
            return;
        }
        // At most three slots in four taken: linear probing stays short, and a claim costs 32 to 64 bytes.
        if ((packedCount + 1) * 4L > slots.length / STRIDE * 3L) {
            grow();
        }
        insert(slots, high, low, packed);
        packedCount++;
    }

    private void removePacked(long @Nullable [] uuid) {
        if (uuid == null) {
            return;
        }
        int slot = find(uuid[0], uuid[1]);
        if (slot < 0) {
            return;
        }
        // Linear probing: shift later slots of the same run back, so every lookup still finds its id.
        int mask = slots.length / STRIDE - 1;
        int hole = slot / STRIDE;
        int next = (hole + 1) & mask;
        while (slots[next * STRIDE + 2] != 0) {
            int home = home(slots[next * STRIDE], slots[next * STRIDE + 1], mask);
            // Move the entry at next into the hole unless its home lies cyclically in (hole, next].
            boolean stays = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
            if (!stays) {
                System.arraycopy(slots, next * STRIDE, slots, hole * STRIDE, STRIDE);
                hole = next;
            }
            next = (next + 1) & mask;
        }
        slots[hole * STRIDE] = 0;
        slots[hole * STRIDE + 1] = 0;
        slots[hole * STRIDE + 2] = 0;
        packedCount--;
    }

    private int find(long high, long low) {
        int mask = slots.length / STRIDE - 1;
        for (int i = home(high, low, mask); ; i = (i + 1) & mask) {
            int slot = i * STRIDE;
            if (slots[slot + 2] == 0) {
                return -1;
            }
            if (slots[slot] == high && slots[slot + 1] == low) {
                return slot;
            }
        }
    }

    private void grow() {
        long[] larger = new long[slots.length * 2];
        for (int slot = 0; slot < slots.length; slot += STRIDE) {
            if (slots[slot + 2] != 0) {
                insert(larger, slots[slot], slots[slot + 1], slots[slot + 2]);
            }
        }
        slots = larger;
    }

    private static void insert(long[] into, long high, long low, long packed) {
        int mask = into.length / STRIDE - 1;
        int i = home(high, low, mask);
        while (into[i * STRIDE + 2] != 0) {
            i = (i + 1) & mask;
        }
        into[i * STRIDE] = high;
        into[i * STRIDE + 1] = low;
        into[i * STRIDE + 2] = packed;
    }

    private static int home(long high, long low, int mask) {
        // MurmurHash3's finalizer: random UUIDs are random already, but ids of other versions need not be.
        long h = high * 31 + low;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h & mask;
    }
}
