package dev.lapse.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A latency run lasts its window, or longer at a rate too low to offer enough requests in it. */
class BenchOptionsTest {

    private final BenchOptions full = BenchOptions.full();

    @Test
    void atTheMatchedRateAndAbove_aLatencyRunLastsItsWindow() {
        assertThat(full.latencyWindowAt(1_000)).isEqualTo(Duration.ofSeconds(8));
        assertThat(full.latencyWindowAt(8_739)).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void atALowRate_itLastsUntilItHasOfferedItsRequests() {
        assertThat(full.latencyWindowAt(100)).isEqualTo(Duration.ofSeconds(12));
        assertThat(full.latencyWindowAt(150)).isEqualTo(Duration.ofSeconds(8));
        assertThat(full.latencyWindowAt(120)).isEqualTo(Duration.ofSeconds(10));
    }
}
