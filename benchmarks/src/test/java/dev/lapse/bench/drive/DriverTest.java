package dev.lapse.bench.drive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.bench.load.BacklogRule;
import dev.lapse.bench.load.Schedule;
import dev.lapse.bench.report.Measurement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The driver against targets in memory: one that completes every item at once, one that completes none. */
class DriverTest {

    /** Completes each item as it is submitted, or never; records what it was given. */
    private static final class MemoryTarget implements Target {
        private final Completions completions;
        private final boolean completes;
        private final List<String> submitted = new ArrayList<>();

        MemoryTarget(Completions completions, boolean completes) {
            this.completions = completions;
            this.completes = completes;
        }

        @Override
        public void submit(String id) {
            submitted.add(id);
            if (completes) {
                completions.completed(id, System.nanoTime());
            }
        }

        @Override
        public void close() {
        }
    }

    @Test
    void burst_submitsEveryItemOnce_andEachCompletesOnce() {
        Completions completions = new Completions();
        MemoryTarget target = new MemoryTarget(completions, true);

        Trial trial = new Driver(target, completions).burst("burst", 500, Duration.ofSeconds(30));

        assertThat(target.submitted).hasSize(500).doesNotHaveDuplicates();
        assertThat(trial.offeredCount()).isEqualTo(500);
        assertThat(trial.completedCount()).isEqualTo(500);
        assertThat(trial.backlog()).isZero();
        assertThat(trial.drainedPerSecond()).isPositive();
        assertThat(trial.latency()).isInstanceOfSatisfying(Measurement.Latency.class,
                latency -> assertThat(latency.count()).isEqualTo(500));
    }

    @Test
    void offer_stopsEarly_whenTheBacklogPassesTheBound() {
        Completions completions = new Completions();
        MemoryTarget target = new MemoryTarget(completions, false);

        Trial trial = new Driver(target, completions).offer("stuck", new Schedule(10_000), Duration.ofSeconds(60),
                new BacklogRule(100, 10));

        // then: it stopped at the first backlog past 100, items due but not yet submitted included
        assertThat(trial.stoppedEarlyAtMs()).isPresent();
        assertThat(trial.offeredCount()).isBetween(1L, 101L);
        assertThat(trial.samples()).last().satisfies(sample -> assertThat(sample.backlog()).isGreaterThan(100));
        assertThat(new BacklogRule(100, 10).judge(trial.samples()).sustained()).isFalse();
        assertThat(trial.latency()).isInstanceOf(Measurement.Missing.class);
    }

    @Test
    void offer_offersEveryItemDueInTheWindow_atItsDueMoment() {
        Completions completions = new Completions();
        MemoryTarget target = new MemoryTarget(completions, true);

        Trial trial = new Driver(target, completions).offer("steady", new Schedule(200), Duration.ofMillis(500),
                new BacklogRule(1_000, 10));

        assertThat(trial.stoppedEarlyAtMs()).isEmpty();
        assertThat(trial.offeredCount()).isEqualTo(100);
        assertThat(trial.completedCount()).isEqualTo(100);
        assertThat(target.submitted).doesNotHaveDuplicates();
    }

    @Test
    void completions_ignoreAnIdSeenTwice_andAnIdNotExpected() {
        Completions completions = new Completions();
        MemoryTarget target = new MemoryTarget(completions, true);
        Trial trial = new Driver(target, completions).burst("burst", 3, Duration.ofSeconds(30));

        completions.completed(target.submitted.get(0), System.nanoTime());
        completions.completed("not-ours", System.nanoTime());
        completions.failed(target.submitted.get(1), "late failure");

        assertThat(trial.completedCount()).isEqualTo(3);
        assertThat(trial.failedCount()).isZero();
    }

    @Test
    void failed_itemsLeaveTheBacklog_andTheFirstReasonIsKept() {
        Completions completions = new Completions();
        Target failing = new Target() {
            @Override
            public void submit(String id) {
                completions.failed(id, "refused " + id.length());
            }

            @Override
            public void close() {
            }
        };

        Trial trial = new Driver(failing, completions).burst("refused", 5, Duration.ofSeconds(30));

        assertThat(trial.failedCount()).isEqualTo(5);
        assertThat(trial.backlog()).isZero();
        assertThat(trial.firstFailure()).contains("refused 36");
    }

    @Test
    void awaitQuiet_givesUpAtItsCap_whenTheJvmNeverGoesQuiet() throws InterruptedException {
        Completions completions = new Completions();
        Driver driver = new Driver(new MemoryTarget(completions, true), completions);
        AtomicBoolean stop = new AtomicBoolean();
        // A whole core busy: never under the quarter of a core that counts as quiet.
        Thread busy = new Thread(() -> {
            while (!stop.get()) {
                Thread.onSpinWait();
            }
        });
        busy.setDaemon(true);
        busy.start();
        try {
            long start = System.nanoTime();
            Driver.Quiet result = driver.awaitQuiet(Duration.ofMillis(600));
            // it returned (the run goes on), and only after waiting out the cap, since it never saw quiet
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
            assertThat(result.quiet()).isFalse();
            assertThat(result.waitedMs()).isGreaterThanOrEqualTo(600);
        } finally {
            stop.set(true);
            busy.join();
        }
    }

    @Test
    void settle_chargesTheTrialItsCpu_andTellsTheJitsShareOfIt() {
        Completions completions = new Completions();
        Driver driver = new Driver(new MemoryTarget(completions, true), completions);
        Trial trial = driver.burst("burst", 200, Duration.ofSeconds(30));

        assertThat(trial.compilerMicrosPerItem()).as("not settled yet").isEmpty();
        assertThat(trial.compilerShare()).isEmpty();
        assertThat(trial.compilerNote("request")).isEmpty();
        driver.settle(trial, Duration.ofSeconds(5));

        assertThat(trial.cpuPerItem(new Measurement.Missing("unmeasured"))).isInstanceOf(Measurement.Amount.class);
        // Linux says what HotSpot's compiler threads used: part of the CPU above, never negative.
        assertThat(ProcessCpu.compilerNanos()).isPositive();
        assertThat(trial.compilerMicrosPerItem()).isPresent();
        assertThat(trial.compilerMicrosPerItem().getAsDouble()).isNotNegative();
        assertThat(trial.compilerNote("request")).startsWith("; of it, the JIT compiler threads: ")
                .endsWith(" µs per request");
        // The same compiler time over the same CPU: a share of the trial's CPU, however small.
        assertThat(trial.compilerShare()).isPresent();
        assertThat(trial.compilerShare().getAsDouble()).isBetween(0.0, 1.0);
    }
}
