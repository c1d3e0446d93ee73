package dev.lapse.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

class BacklogRuleTest {

    /** Samples every 250 ms for {@code seconds}, the backlog at sample i given by {@code backlog}. */
    private static List<BacklogSample> samples(int seconds, LongUnaryOperator backlog) {
        List<BacklogSample> samples = new ArrayList<>();
        for (long i = 1; i <= seconds * 4L; i++) {
            samples.add(new BacklogSample(i * 250, backlog.applyAsLong(i)));
        }
        return samples;
    }

    @Test
    void of_boundsTwoSecondsOfCapacity_andToleratesAQuarterSecondOfTheOfferedRate() {
        BacklogRule rule = BacklogRule.of(1_200, 1_000, 2, 50);

        assertThat(rule).isEqualTo(new BacklogRule(2_400, 250));
    }

    @Test
    void of_keepsTheMinimums_atLowRates() {
        BacklogRule rule = BacklogRule.of(12, 9, 2, 50);

        assertThat(rule).isEqualTo(new BacklogRule(50, 10));
    }

    @Test
    void judge_sustained_whenTheBacklogHovers() {
        BacklogRule rule = new BacklogRule(2_400, 250);

        BacklogRule.Verdict verdict = rule.judge(samples(30, i -> 80 + (i * 37) % 60));

        assertThat(verdict).isEqualTo(new BacklogRule.Verdict.Sustained(139));
        assertThat(verdict.sustained()).isTrue();
    }

    @Test
    void judge_grew_whenTheBacklogClimbsSlowlyUnderTheBound() {
        // the example of the class Javadoc: 1,000/s offered, 50 more in the backlog every second
        BacklogRule rule = new BacklogRule(2_400, 250);

        BacklogRule.Verdict verdict = rule.judge(samples(30, i -> 80 + 50 * i / 4));

        assertThat(verdict).isInstanceOf(BacklogRule.Verdict.Grew.class);
        assertThat(verdict.sustained()).isFalse();
        assertThat(verdict.describe()).isEqualTo("backlog grew from ~836 to ~1336");
    }

    @Test
    void judge_overflowed_atTheFirstSamplePastTheBound() {
        BacklogRule rule = new BacklogRule(100, 10);

        BacklogRule.Verdict verdict = rule.judge(samples(30, i -> 30 * i));

        assertThat(verdict).isEqualTo(new BacklogRule.Verdict.Overflowed(1_000, 120, 100));
        assertThat(verdict.describe()).isEqualTo("backlog 120 > 100 after 1.0 s");
    }

    @Test
    void judge_leavesOutTheFirstThird_whereThePipelineFillsUp() {
        BacklogRule rule = new BacklogRule(1_000, 20);

        BacklogRule.Verdict verdict = rule.judge(samples(30, i -> i <= 40 ? 10 * i : 400));

        assertThat(verdict.sustained()).isTrue();
    }

    @Test
    void judge_tooShort_withFewerThanThreeSamples() {
        BacklogRule rule = new BacklogRule(100, 10);

        assertThat(rule.judge(List.of(new BacklogSample(250, 1))).sustained()).isFalse();
    }

    @Test
    void overflows_onlyPastTheBound() {
        BacklogRule rule = new BacklogRule(100, 10);

        assertThat(rule.overflows(100)).isFalse();
        assertThat(rule.overflows(101)).isTrue();
    }
}
