package dev.lapse.revoker.wheel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The key-to-slot index: canonical UUIDs in the open-addressing table, every other key beside it. */
class KeyIndexTest {

    private final Slots slots = new Slots(0);
    private final KeyIndex index = new KeyIndex(slots);

    private int insert(String key) {
        int slot = slots.allocate();
        index.insert(key, slot);
        return slot;
    }

    @Test
    void insert_whenCanonicalUuid_storesItAsTwoLongs() {
        UUID uuid = UUID.fromString("f47ac10b-58cc-4372-a567-0e02b2c3d479");
        int slot = insert(uuid.toString());

        assertThat(slots.keyHi(slot)).isEqualTo(uuid.getMostSignificantBits());
        assertThat(slots.keyLo(slot)).isEqualTo(uuid.getLeastSignificantBits());
        assertThat(index.keyOf(slot)).isEqualTo(uuid.toString());
        assertThat(index.find(uuid.toString())).isEqualTo(slot);
        assertThat(index.otherKeyCount()).isZero();
    }

    @Test
    void insert_whenNotCanonical_keepsTheStringAsGiven() {
        List<String> keys = List.of("F47AC10B-58CC-4372-A567-0E02B2C3D479", "f47ac10b58cc4372a5670e02b2c3d479",
                "00000000-0000-0000-0000-000000000000", "1-2-3-4-5", "ümlaut", "");
        Map<String, Integer> slotsByKey = new HashMap<>();
        keys.forEach(key -> slotsByKey.put(key, insert(key)));

        assertThat(index.otherKeyCount()).isEqualTo(keys.size());
        slotsByKey.forEach((key, slot) -> {
            assertThat(index.find(key)).isEqualTo(slot);
            assertThat(index.keyOf(slot)).isEqualTo(key);
        });
        assertThat(index.find("f47ac10b-58cc-4372-a567-0e02b2c3d479")).isEqualTo(Slots.NONE);
    }

    @Test
    void remove_forgetsOnlyThatKey() {
        int a = insert("0b5c6a1e-3f4d-4a8b-9c2d-7e6f5a4b3c2d");
        int b = insert("other");
        int c = insert("f47ac10b-58cc-4372-a567-0e02b2c3d479");

        index.remove(a);
        index.remove(b);

        assertThat(index.find("0b5c6a1e-3f4d-4a8b-9c2d-7e6f5a4b3c2d")).isEqualTo(Slots.NONE);
        assertThat(index.find("other")).isEqualTo(Slots.NONE);
        assertThat(index.find("f47ac10b-58cc-4372-a567-0e02b2c3d479")).isEqualTo(c);
        assertThat(index.size()).isEqualTo(1);
        assertThat(index.slots()).containsExactly(c);
    }

    @Test
    void randomInsertsAndRemoves_matchAHashMap_throughGrowthAndBackwardShifts() {
        Random random = new Random(11);
        Map<String, Integer> reference = new HashMap<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            // Time-ordered UUIDs share their high bits, the case the hash must spread.
            keys.add(new UUID(0x0190_0000_0000_7000L + i / 100, random.nextLong()).toString());
        }
        for (int op = 0; op < 100_000; op++) {
            String key = keys.get(random.nextInt(keys.size()));
            Integer slot = reference.get(key);
            if (slot == null) {
                reference.put(key, insert(key));
            } else if (random.nextBoolean()) {
                index.remove(slot);
                slots.free(slot);
                reference.remove(key);
            }
            if (op % 1000 == 0) {
                for (String any : keys) {
                    assertThat(index.find(any)).as(any).isEqualTo(reference.getOrDefault(any, Slots.NONE));
                }
            }
        }
        assertThat(index.size()).isEqualTo(reference.size());
        assertThat(index.tableLength()).isGreaterThanOrEqualTo(2 * reference.size());
    }
}
