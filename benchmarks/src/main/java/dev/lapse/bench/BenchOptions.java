package dev.lapse.bench;

import java.time.Duration;
import java.util.List;

/**
 * How much a run measures: the full run (budgeted for ten minutes on two cores) or the smoke run of CI
 * (seconds per section, tiny rates; it proves the harness works, not how fast anything is).
 *
 * @param mode {@code full} or {@code smoke}, printed above the table
 * @param matchRate the rate offered to the baseline and to Lapse alike for the latency the ratio compares, per second
 * @param latencyWindow how long each latency run offers load, at least ...
 * @param latencyMinRequests ... long enough to offer this many requests at its rate (at a low rate, the window is
 *     longer: its tail needs the samples)
 * @param baseline the baseline pipeline's run
 * @param lapse the Lapse runs, per channel
 * @param postgres the runs with grants provisioned in PostgreSQL
 * @param readModel request-service's read model's heap
 * @param revoker the revoker's heap, restore and expiry-lag measurements
 * @param wheel the timing wheel's micro-benchmarks
 * @param policy the policy decision's micro-benchmark
 */
public record BenchOptions(String mode, double matchRate, Duration latencyWindow, int latencyMinRequests,
        Baseline baseline, Lapse lapse, Postgres postgres, ReadModel readModel, Revoker revoker, Wheel wheel,
        Policy policy) {

    /** How long a latency run at {@code ratePerSecond} offers load: {@code latencyWindow}, or longer at a low rate. */
    public Duration latencyWindowAt(double ratePerSecond) {
        Duration forRequests = Duration.ofMillis((long) Math.ceil(1000.0 * latencyMinRequests / ratePerSecond));
        return forRequests.compareTo(latencyWindow) > 0 ? forRequests : latencyWindow;
    }

    /**
     * How the baseline pipeline is warmed up and measured.
     *
     * @param valueBytes each record's value size (keys are 36-byte UUIDs)
     * @param warmupRecords a burst that warms the JIT and the stages, not reported
     * @param warmupWindow {@code matchRate} for this long after the drain, before the latency is measured; not
     *     reported
     * @param drainRecords the burst whose drain rate is the sustained throughput
     * @param cap how long a burst may take before the run goes on without the rest
     */
    public record Baseline(int valueBytes, int warmupRecords, Duration warmupWindow, int drainRecords, Duration cap) {
    }

    /**
     * How each Lapse channel is probed, searched and measured.
     *
     * @param lowRate the low offered rate of the latency runs (requests/s)
     * @param firstProbe size of the first burst, which warms up and sizes the next ones
     * @param probeSeconds how long a later burst should keep the system busy, at the drain rate seen before
     * @param maxProbe the largest burst
     * @param warmupBudget how long the warm-up bursts go on back to back, the first one's time included (the first
     *     always runs): the rates after them should measure compiled code, not the JIT compiling it
     * @param probeCap how long one burst may take
     * @param firstFraction the first rate verified over the Kafka ingress, as a multiple of the burst-drain estimate
     *     (see RateSearch)
     * @param restFirstFraction the same over REST, whose warmed-up burst still runs partly in the JIT's compiler
     *     threads and so runs low against the rates the search then offers
     * @param stepDown the next rate tried after one that did not hold, as a fraction of it
     * @param verifyWindow how long a rate must hold with a bounded backlog to count as sustained
     * @param searchBudget how long the verification runs of the search may take together
     * @param boundSeconds a run stops once its backlog passes this many seconds of the estimated capacity
     * @param minBound ... but never below this many requests
     * @param drainCap how long to wait after a run for what it left in flight
     * @param restInFlight how many REST calls may wait for an answer at once
     * @param requestedDuration the access each request asks for (the sample policies approve up to an hour)
     */
    public record Lapse(double lowRate, int firstProbe, double probeSeconds, int maxProbe, Duration warmupBudget,
            Duration probeCap, double firstFraction, double restFirstFraction, double stepDown, Duration verifyWindow,
            Duration searchBudget, double boundSeconds, long minBound, Duration drainCap, int restInFlight,
            Duration requestedDuration) {
    }

    /**
     * How grants provisioned in PostgreSQL are measured.
     *
     * @param sessions requesters, each with one open session that reads a granted column, each getting its grants
     *     one after the other
     * @param grantsEach grants per requester
     * @param shortest the shortest grant ({@code expiresAt} is what is measured from; 1 s is Lapse's minimum) ...
     * @param longest ... and the longest, durations spread evenly between them
     * @param pollEvery how often a session reads, from shortly before {@code expiresAt} until the read fails
     * @param compareRequests requests submitted with grant-issuer granting them as events only, and as many again
     *     with it provisioning them in PostgreSQL
     * @param compareRate the rate both are offered at, requests/s
     * @param warmupRequests requests offered at that rate before the first comparison, not reported: the section run
     *     alone finds the services cold
     * @param cap how long to wait for anything of the section (a grant, an expiry, a withdrawal) before giving up
     */
    public record Postgres(int sessions, int grantsEach, Duration shortest, Duration longest, Duration pollEvery,
            int compareRequests, double compareRate, int warmupRequests, Duration cap) {
    }

    /**
     * How request-service's read model is measured.
     *
     * @param requests the requests its book is filled with, and holds (its size)
     * @param maxHeap the forked JVM's {@code -Xmx}
     */
    public record ReadModel(int requests, String maxHeap) {
    }

    /**
     * How the revoker is measured.
     *
     * @param heapGrants the numbers of active grants whose heap is measured, in one forked JVM, one after the other
     * @param heapMaxHeap the forked JVM's {@code -Xmx}, for example {@code 3g}
     * @param heapRequesters how many distinct requesters those grants have
     * @param grants the active grants written as durable state, read back by a revoker's restore and then expired
     * @param lead how long after the start of writing them the first falls due: room to write and restore them
     * @param window the grants fall due evenly over this window
     * @param drainCap how long to wait after the window for the last expiries
     */
    public record Revoker(List<Integer> heapGrants, String heapMaxHeap, int heapRequesters, int grants,
            Duration lead, Duration window, Duration drainCap) {
        public Revoker {
            heapGrants = List.copyOf(heapGrants);
        }
    }

    /**
     * How the wheel's micro-benchmarks run (JMH).
     *
     * @param liveEntries the sizes measured, entries live in the structure throughout
     * @param forks 1: each structure and size in a forked JVM of its own, filled once, in which JMH measures add,
     *     cancel and advance in turn; 0: the same JMH runs in this JVM (the smoke run only)
     * @param maxHeap each fork's {@code -Xms} and {@code -Xmx}
     * @param warmupIterations warm-up iterations per benchmark
     * @param iterations measured iterations per benchmark
     * @param iterationTime how long each iteration runs
     * @param scale divides every batch of operations per invocation (1 in the full run)
     */
    public record Wheel(List<Integer> liveEntries, int forks, String maxHeap, int warmupIterations, int iterations,
            Duration iterationTime, int scale) {
        public Wheel {
            liveEntries = List.copyOf(liveEntries);
            if (forks != 0 && forks != 1) {
                // One fork per structure and size: a second would only fill the structure again.
                throw new IllegalArgumentException("wheel forks must be 0 (in this JVM) or 1, got " + forks);
            }
        }
    }

    /**
     * How the policy decision's micro-benchmark runs (JMH): one decision costs microseconds, and its CEL conditions
     * and glob matching need a few seconds of warm-up before the JIT settles.
     *
     * @param rules rules loaded (a multiple of ten)
     * @param forks JMH forks; 0 runs it in this JVM (the smoke run only)
     * @param warmupIterations warm-up iterations
     * @param iterations measured iterations
     * @param iterationTime how long each iteration runs
     */
    public record Policy(int rules, int forks, int warmupIterations, int iterations, Duration iterationTime) {
    }

    /**
     * The documented full run, stack start included: budgeted for ten minutes on two cores, which the faster machines
     * seen kept (8-9½ minutes) and the slower ones did not (10¼-12; see docs/performance.md).
     */
    public static BenchOptions full() {
        // Latency runs of 8 s (8,000 requests at 1,000/s), the one at 100/s 12 s (1,200): with the 150,000-record
        // drain and 200-ms JMH iterations, about 35 s less than before, for a run that took 10 min 18 s - 10 min
        // 51 s on the 2026-11-30 machine (about 7 minutes of it windows the measurements fix).
        return new BenchOptions("full", 1_000, Duration.ofSeconds(8), 1_200,
                new Baseline(300, 30_000, Duration.ofSeconds(30), 150_000, Duration.ofSeconds(60)),
                // A first burst of 1,000, then bursts of ~5 s back to back for 30 s: on the 2026-11-30 machine REST
                // held 1,123/s after five bursts (28% of the last one's CPU in the JIT) and 1,900/s after fourteen
                // (12%). A warmed-up burst's drain rate is a closer estimate, so the search starts at 120% of it.
                // The search's 80 s hold two 30-s rates after one that failed within seconds (it climbs two steps
                // at a time while the backlog stays far from its bound, and bisects after a failure). REST starts at
                // 150%: a rate too high costs seconds, one too low 30 s, and on the 2026-11-30 machine REST's bursts
                // spent 27-32% of their CPU compiling (the ingress's 6%); 150% of them then held in two full runs
                // (as the second of two 30-s rates, budget spent), and in a third failed after 4 s, 134% held.
                new Lapse(100, 1_000, 5, 50_000, Duration.ofSeconds(30), Duration.ofSeconds(20), 1.2, 1.5, 0.8,
                        Duration.ofSeconds(30), Duration.ofSeconds(80), 2, 50, Duration.ofSeconds(20), 512,
                        Duration.ofHours(1)),
                new Postgres(10, 10, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(2), 200, 20, 40,
                        Duration.ofSeconds(30)),
                new ReadModel(100_000, "1g"),
                new Revoker(List.of(1_000_000, 10_000_000), "3g", 5_000, 1_000_000, Duration.ofSeconds(22),
                        Duration.ofMinutes(1), Duration.ofSeconds(60)),
                new Wheel(List.of(10_000, 1_000_000, 10_000_000), 1, "6g", 1, 3, Duration.ofMillis(200), 1),
                new Policy(1_000, 1, 3, 5, Duration.ofSeconds(1)));
    }

    /** The CI run: every row measured once, at rates any machine sustains. */
    public static BenchOptions smoke() {
        return new BenchOptions("smoke", 20, Duration.ofSeconds(1), 10,
                new Baseline(300, 200, Duration.ofMillis(500), 1_000, Duration.ofSeconds(30)),
                new Lapse(10, 10, 1, 40, Duration.ZERO, Duration.ofSeconds(15), 0.5, 0.5, 0.7, Duration.ofSeconds(2),
                        Duration.ofSeconds(8), 2, 20, Duration.ofSeconds(15), 16, Duration.ofHours(1)),
                new Postgres(5, 1, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(2), 20, 10, 10,
                        Duration.ofSeconds(30)),
                new ReadModel(10_000, "256m"),
                new Revoker(List.of(10_000, 100_000), "512m", 500, 10_000, Duration.ofSeconds(15),
                        Duration.ofSeconds(2), Duration.ofSeconds(30)),
                new Wheel(List.of(10_000), 0, "512m", 0, 1, Duration.ofMillis(20), 10),
                new Policy(1_000, 0, 0, 1, Duration.ofMillis(20)));
    }

    /** {@code full} or {@code smoke}. */
    public static BenchOptions of(String mode) {
        return switch (mode) {
            case "full" -> full();
            case "smoke" -> smoke();
            default -> throw new IllegalArgumentException("--mode must be full or smoke, got '" + mode + "'");
        };
    }
}
