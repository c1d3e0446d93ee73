package dev.lapse.bench.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ReaderLagTest {

    @Test
    void describe_givesSecondsOfInflowAndOffsets() {
        Map<String, ReaderLag.Position> start = Map.of("audit sink", new ReaderLag.Position(0, 1_000),
                "read model", new ReaderLag.Position(500, 500));
        Map<String, ReaderLag.Position> end = new TreeMap<>(Map.of(
                "audit sink", new ReaderLag.Position(100_000, 301_000), // 300,000 in over 30 s: 10,000 a second
                "read model", new ReaderLag.Position(60_500, 60_500)));

        assertThat(ReaderLag.describe(start, end, 30.0))
                .isEqualTo("audit sink 20.1 s (201,000 offsets), read model 0.0 s (0 offsets)");
    }

    @Test
    void describe_whenNothingFlowedOrAReaderIsNew_givesOffsetsOnly() {
        Map<String, ReaderLag.Position> end = Map.of("audit sink", new ReaderLag.Position(5, 7));

        assertThat(ReaderLag.describe(Map.of(), end, 30.0)).isEqualTo("audit sink (2 offsets)");
        assertThat(ReaderLag.describe(end, end, 30.0)).isEqualTo("audit sink (2 offsets)");
    }
}
