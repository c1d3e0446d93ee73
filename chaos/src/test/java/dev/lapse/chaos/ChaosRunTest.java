package dev.lapse.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The arguments of a run, and reading the revoker's restore metric. */
class ChaosRunTest {

    @Test
    void parse_readsEveryArgument_andDefaultsTheRest() {
        ChaosOptions options = ChaosOptions.parse("--duration=PT75S", "--rate=3.5", "--kills=1", "--seed=42",
                "--run-dir=/tmp/x");

        assertThat(options).isEqualTo(new ChaosOptions(Duration.ofSeconds(75), 3.5, 1, 1, 42, Path.of("/tmp/x"),
                Duration.ofSeconds(90), 10));
    }

    @Test
    void parse_refusesAnUnknownArgument_naming() {
        assertThatThrownBy(() -> ChaosOptions.parse("--duraton=PT1M"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[duraton]");
        assertThatThrownBy(() -> ChaosOptions.parse("--rate=0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--rate");
    }

    @Test
    void metric_takesTheLargestValueOverLabelSets_andIgnoresOtherNames() {
        String exposition = """
                # HELP lapse_revoker_restore_completed_epoch_ms When the grants were restored
                # TYPE lapse_revoker_restore_completed_epoch_ms gauge
                lapse_revoker_restore_completed_epoch_ms{partition="0"} 1.7643E12
                lapse_revoker_restore_completed_epoch_ms{partition="1"} 1.7644E12
                lapse_revoker_restore_completed_epoch_ms_other 9.0E12
                """;

        assertThat(ChaosRun.metric(exposition, ChaosRun.RESTORE_METRIC)).hasValue(1.7644E12);
        assertThat(ChaosRun.metric("jvm_threads_live 12", ChaosRun.RESTORE_METRIC)).isEmpty();
    }
}
