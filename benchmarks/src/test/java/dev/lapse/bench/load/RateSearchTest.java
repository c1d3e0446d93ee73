package dev.lapse.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RateSearchTest {

    private final RateSearch search = new RateSearch(0.9, 0.8);

    @Test
    void first_isTheFractionOfTheDrainRate() {
        assertThat(search.first(60)).isCloseTo(54, within(1e-9));
    }

    @Test
    void next_stepsDown_whenTheSystemManagedMoreThanTheStep() {
        assertThat(search.next(54, 53)).isCloseTo(43.2, within(1e-9));
    }

    @Test
    void next_goesBelowWhatTheSystemManaged_whenThatIsLower() {
        assertThat(search.next(54, 30)).isCloseTo(28.5, within(1e-9));
    }

    @Test
    void next_stepsDown_whenNothingWasManaged() {
        assertThat(search.next(54, 0)).isCloseTo(43.2, within(1e-9));
    }

    @Test
    void up_undoesAPlainStepDown() {
        assertThat(search.up(43.2)).isCloseTo(54, within(1e-9));
    }

    @Test
    void up_takesTwoSteps_whenTheBacklogStayedFarFromTheBound() {
        assertThat(search.up(100, 0.2)).isCloseTo(156.25, within(1e-9));
        assertThat(search.up(100, 0.5)).isCloseTo(125, within(1e-9));
        assertThat(search.up(100, 1.0 / 3)).isCloseTo(125, within(1e-9));
    }

    @Test
    void between_isTheGeometricMean_ofAHeldAndAFailedRate() {
        assertThat(search.between(1_000, 1_600)).hasValueCloseTo(1_264.9, within(0.1));
    }

    @Test
    void between_isNone_whenTheRatesAreWithinATwentieth() {
        assertThat(search.between(1_000, 1_050)).isEmpty();
        assertThat(search.between(1_000, 900)).isEmpty();
        assertThat(search.between(1_000, 1_051)).isPresent();
    }

    @Test
    void probeSize_keepsTheSystemBusyForTheSeconds_withinTheLimits() {
        assertThat(RateSearch.probeSize(60, 5, 200, 50_000)).isEqualTo(300);
        assertThat(RateSearch.probeSize(10, 5, 200, 50_000)).isEqualTo(200);
        assertThat(RateSearch.probeSize(40_000, 5, 200, 50_000)).isEqualTo(50_000);
    }

    @Test
    void constructor_refusesFractionsOutOfRange() {
        assertThatThrownBy(() -> new RateSearch(0, 0.8)).hasMessageContaining("firstFraction must be in (0, 2]");
        assertThatThrownBy(() -> new RateSearch(2.5, 0.8)).hasMessageContaining("firstFraction must be in (0, 2]");
        assertThatThrownBy(() -> new RateSearch(0.9, 1)).hasMessageContaining("stepDown in (0, 1)");
    }
}
