package dev.lapse.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScheduleTest {

    private static final long MS = 1_000_000;

    @Test
    void dueBy_countsTheFirstItemAtOnceThenOnePerPeriod() {
        Schedule tenPerSecond = new Schedule(10);

        assertThat(tenPerSecond.dueBy(0)).isEqualTo(1);
        assertThat(tenPerSecond.dueBy(99 * MS)).isEqualTo(1);
        assertThat(tenPerSecond.dueBy(100 * MS)).isEqualTo(2);
        assertThat(tenPerSecond.dueBy(999 * MS)).isEqualTo(10);
        assertThat(tenPerSecond.dueBy(-5)).isZero();
    }

    @Test
    void dueAtNanos_isTheIndexTimesThePeriod() {
        Schedule thousandPerSecond = new Schedule(1_000);

        assertThat(thousandPerSecond.dueAtNanos(0)).isZero();
        assertThat(thousandPerSecond.dueAtNanos(1)).isEqualTo(MS);
        assertThat(thousandPerSecond.dueAtNanos(12_000)).isEqualTo(12_000 * MS);
    }

    @Test
    void dueBy_andDueAtNanos_agree_forAFractionalRate() {
        Schedule slow = new Schedule(0.7);

        for (long index = 0; index < 50; index++) {
            assertThat(slow.dueBy(slow.dueAtNanos(index))).as("item %d", index).isEqualTo(index + 1);
        }
    }

    @Test
    void constructor_refusesARateThatIsNotPositive() {
        assertThatThrownBy(() -> new Schedule(0)).hasMessageContaining("> 0, got 0.0");
        assertThatThrownBy(() -> new Schedule(Double.NaN)).hasMessageContaining("got NaN");
    }
}
