package dev.lapse.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.chaos.report.ChaosReport;
import dev.lapse.embedded.SchemaRegistryProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The reduced chaos run of CI: a minute of load at 3 requests a second, each service killed once with SIGKILL, the
 * broker restarted once. Every row that must hold must hold: nothing lost, nothing approved, granted or expired twice,
 * grants due while the revoker was down announced within two ticks of its return, the audit exact and valid, and (with
 * the machine's PostgreSQL as the grant-issuer's target) no grant role left after the run or outliving its grant by
 * more than the bound, every grant provisioning and withdrawing something.
 */
class ChaosIT {

    @Test
    void everyRequestEndsOnce_throughKillsAndABrokerRestart() {
        // given
        ChaosOptions options = new ChaosOptions(Duration.ofSeconds(60), 3, 1, 1, 0, Path.of("target", "chaos-it"),
                Duration.ofSeconds(90), 10);

        // when
        ChaosReport report = ChaosRun.run(options, SchemaRegistryProcess.homeFromEnvironment().orElseThrow(),
                ChaosRun.serviceClasspath());

        // then
        assertThat(report.failures()).as(report.table("the chaos run's table")).isEmpty();
    }
}
