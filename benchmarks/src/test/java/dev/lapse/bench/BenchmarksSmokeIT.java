package dev.lapse.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.bench.report.Measurement;
import dev.lapse.bench.report.Row;
import dev.lapse.embedded.SchemaRegistryProcess;
import org.junit.jupiter.api.Test;

/**
 * The smoke run of CI: the whole harness once, seconds per section and tiny rates, so it cannot rot. It proves every
 * row gets a number (the PostgreSQL rows: or say that no server answered), never how fast anything is (speed is read
 * from the full run's table, not asserted).
 */
class BenchmarksSmokeIT {

    @Test
    void smokeRun_measuresEveryRow() {
        // when
        BenchmarkRun.Report report = BenchmarkRun.run(BenchOptions.smoke(),
                SchemaRegistryProcess.homeFromEnvironment().orElseThrow());
        System.out.println(report.markdown());

        // then
        assertThat(report.table().rows()).extracting(Row::id).containsExactly(
                "baseline.sustained", "baseline.cpu", "baseline.latency.match",
                "baseline.lapse-shaped.sustained", "baseline.lapse-shaped.cpu",
                "ingress.burst", "ingress.cpu", "ingress.sustained", "ingress.latency.low", "ingress.latency.match",
                "ingress.latency.sustained80",
                "rest.burst", "rest.cpu", "rest.sustained", "rest.latency.low", "rest.latency.match",
                "rest.latency.sustained80",
                "ratio.throughput.ingress", "ratio.throughput.rest", "ratio.p99.ingress", "ratio.p99.rest",
                "ratio.cpu.ingress", "ratio.cpu.rest",
                "ratio.shaped.throughput.ingress", "ratio.shaped.cpu.ingress",
                "ratio.shaped.throughput.rest", "ratio.shaped.cpu.rest",
                "postgres.expiry.read-denied", "postgres.expiry.expired", "postgres.expiry.withdrawn",
                "postgres.granted.event-only", "postgres.granted.provisioned", "postgres.granted.added",
                "approval.vote-to-granted",
                "readmodel.heap",
                "revoker.heap.10000", "revoker.heap.100000", "revoker.restore", "revoker.lag.emitted",
                "revoker.lag.seen",
                "wheel.timing-wheel.add.10000", "wheel.timing-wheel.cancel.10000", "wheel.timing-wheel.advance.10000",
                "wheel.delay-queue.add.10000", "wheel.delay-queue.cancel.10000", "wheel.delay-queue.advance.10000",
                "wheel.hashed-wheel-timer.add.10000", "wheel.hashed-wheel-timer.cancel.10000",
                "wheel.hashed-wheel-timer.advance.10000",
                "policy.decision.1000");
        // The heading says where the run's time went, section by section.
        assertThat(report.heading()).containsPattern("start-up \\d+ s; baseline: bare 3-hop Kafka pipeline, \\d+ s; ")
                .containsPattern("; policy decision \\(JMH\\), \\d+ s; stop \\d+ s\\)");
        // A row may be skipped only for a missing PostgreSQL server (with LAPSE_REQUIRE_POSTGRES set, it is missing).
        assertThat(report.table().unmeasured()).as(report.markdown()).isEmpty();
        assertThat(report.table().rows()).filteredOn(row -> row.value() instanceof Measurement.Skipped)
                .allSatisfy(row -> assertThat(((Measurement.Skipped) row.value()).why())
                        .startsWith("skipped: no PostgreSQL at "));
    }
}
