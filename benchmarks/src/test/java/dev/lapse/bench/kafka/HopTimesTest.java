package dev.lapse.bench.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HopTimesTest {

    private static final List<String> TOPICS = List.of("lapse.access.submitted", "lapse.access.requested",
            "lapse.access.granted");

    @Test
    void describe_givesEachHopsPercentilesOverTheKeysSeenOnBothOfItsTopics() {
        // given 100 keys whose first hop takes 1..100 ms and whose second takes 5 ms, and one key seen only at first
        Map<String, Long> submitted = new HashMap<>();
        Map<String, Long> requested = new HashMap<>();
        Map<String, Long> granted = new HashMap<>();
        for (int i = 1; i <= 100; i++) {
            submitted.put("r" + i, 1_000L);
            requested.put("r" + i, 1_000L + i);
            granted.put("r" + i, 1_005L + i);
        }
        submitted.put("lost", 1_000L);

        // when
        String line = HopTimes.describe(TOPICS, List.of(submitted, requested, granted));

        // then
        assertThat(line).isEqualTo("submitted → requested p50 50 / p99 99 / max 100 ms, requested → granted p50 5 / p99 5 / max 5 ms"
                + " (100 items)");
    }

    @Test
    void describe_saysSoWhenAHopHasNoKeyOnBothTopics() {
        String line = HopTimes.describe(TOPICS, List.of(Map.of("a", 1L), Map.of("b", 2L), Map.of("b", 3L)));

        assertThat(line).isEqualTo("submitted → requested none seen on both, requested → granted p50 1 / p99 1 / max 1 ms"
                + " (1 item)");
    }
}
