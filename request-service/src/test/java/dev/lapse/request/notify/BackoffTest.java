package dev.lapse.request.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 8);

    @Test
    void delayMs_whenNoJitter_isHalfTheDoublingBaseCappedAtMax() {
        assertThat(IntStream.rangeClosed(1, 8).mapToLong(n -> backoff.delayMs(n, 0)).toArray())
                .containsExactly(500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000);
    }

    @Test
    void delayMs_whenMostJitter_approachesTheWholeBase() {
        double most = Math.nextDown(1.0);
        assertThat(IntStream.rangeClosed(1, 8).mapToLong(n -> backoff.delayMs(n, most)).toArray())
                .containsExactly(999, 1_999, 3_999, 7_999, 15_999, 31_999, 59_999, 59_999);
    }

    @Test
    void delayMs_whenManyAttempts_staysAtMax() {
        assertThat(backoff.delayMs(1_000, 0.5)).isEqualTo(45_000);
    }

    @Test
    void exhausted_afterMaxAttempts() {
        assertThat(backoff.exhausted(7)).isFalse();
        assertThat(backoff.exhausted(8)).isTrue();
    }

    @Test
    void delayMs_whenArgumentsOutOfRange_refuses() {
        assertThatThrownBy(() -> backoff.delayMs(0, 0)).hasMessageContaining("failedAttempts must be at least 1");
        assertThatThrownBy(() -> backoff.delayMs(1, 1.0)).hasMessageContaining("jitter must be in [0, 1)");
    }

    @Test
    void new_whenMaxBelowInitial_refuses() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 3))
                .hasMessage("max must be at least initial (PT2S), got PT1S");
    }
}
