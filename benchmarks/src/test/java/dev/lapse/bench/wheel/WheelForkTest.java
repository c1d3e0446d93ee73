package dev.lapse.bench.wheel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.bench.wheel.WheelFork.Score;
import dev.lapse.bench.wheel.WheelSection.Operation;
import org.junit.jupiter.api.Test;

/** What a wheel fork prints is what the section reads back, and nothing else it may print is taken for a score. */
class WheelForkTest {

    @Test
    void aScoreLine_readsBackAsTheSameScore_withoutAnErrorToo() {
        Score score = new Score(Operation.CANCEL, 329.125, 12.5);
        Score once = new Score(Operation.ADVANCE, 288.0, Double.NaN);

        assertThat(Score.parse(score.line())).contains(score);
        assertThat(Score.parse(once.line())).contains(once);
    }

    @Test
    void otherLines_areNoScores() {
        assertThat(Score.parse("22:07:38.532 INFO some logger said something")).isEmpty();
        assertThat(Score.parse("RESULT expire 1.0 2.0")).isEmpty();
        assertThat(Score.parse("RESULT add fast 2.0")).isEmpty();
        assertThat(Score.parse("RESULT add 1.0")).isEmpty();
    }
}
