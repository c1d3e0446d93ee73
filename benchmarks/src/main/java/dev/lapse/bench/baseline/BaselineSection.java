package dev.lapse.bench.baseline;

import dev.lapse.bench.BenchOptions;
import dev.lapse.bench.Section;
import dev.lapse.bench.Stand;
import dev.lapse.bench.drive.Completions;
import dev.lapse.bench.drive.Driver;
import dev.lapse.bench.drive.Trial;
import dev.lapse.bench.kafka.HopTimes;
import dev.lapse.bench.load.BacklogRule;
import dev.lapse.bench.load.Schedule;
import dev.lapse.bench.report.Measurement;
import dev.lapse.bench.report.Row;
import dev.lapse.bench.report.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The baseline's rows: the rate at which the bare pipeline drains a backlog, and its latency from produced to seen
 * at the end at {@link BenchOptions#matchRate()}, after a warm-up (a burst, the drain, then half a minute at that
 * rate); then the rate and CPU per record of the same pipeline in {@link BaselinePipeline.Shape#LAPSE Lapse's shape},
 * draining a backlog 40% as large after a small warm-up burst: what the Kafka work of Lapse's services costs without
 * their own.
 */
public final class BaselineSection implements Section {

    /** Row id of the sustained throughput, records/s. */
    public static final String SUSTAINED = "baseline.sustained";
    /** Row id of the latency at the rate Lapse is offered too. */
    public static final String LATENCY_MATCH = "baseline.latency.match";
    /** Row id of the CPU used per record while the backlog drained. */
    public static final String CPU = "baseline.cpu";
    /** Row id of the sustained throughput of the pipeline in Lapse's shape, records/s. */
    public static final String SHAPED_SUSTAINED = "baseline.lapse-shaped.sustained";
    /** Row id of the CPU per record of the pipeline in Lapse's shape. */
    public static final String SHAPED_CPU = "baseline.lapse-shaped.cpu";

    private static final Logger log = LoggerFactory.getLogger(BaselineSection.class);
    private static final String SECTION = "baseline: bare 3-hop Kafka pipeline";

    private final BenchOptions options;

    public BaselineSection(BenchOptions options) {
        this.options = options;
    }

    @Override
    public String name() {
        return SECTION;
    }

    @Override
    public List<Row> run(Stand stand, Table soFar) {
        BenchOptions.Baseline baseline = options.baseline();
        Completions completions = new Completions();
        String runId = Long.toString(System.currentTimeMillis(), 36);
        List<Row> rows = new ArrayList<>();
        try (BaselinePipeline pipeline = BaselinePipeline.start(stand.bootstrapServers(), runId,
                BaselinePipeline.Shape.BARE, completions, baseline.valueBytes())) {
            Driver driver = new Driver(pipeline, completions);
            // Unbounded in practice: the baseline is never overloaded at matchRate; the bound only guards the run.
            BacklogRule rule = new BacklogRule(Math.max(1_000, baseline.drainRecords()), 1_000);

            Trial warm = driver.burst("baseline warm-up burst", baseline.warmupRecords(), baseline.cap());
            log.info("Baseline warm-up: {} records drained at {} records/s", warm.completedCount(),
                    Math.round(warm.drainedPerSecond()));

            Trial drained = driver.burst("baseline drain", baseline.drainRecords(), baseline.cap());
            driver.settle(drained, Driver.SETTLE_CAP);
            log.info("Baseline: {} records drained at {} records/s", drained.completedCount(),
                    Math.round(drained.drainedPerSecond()));

            // The latency is measured after a stretch at the same rate, as Lapse's is after its own loads: right
            // after the drain, six 8-s trials in a row at 1,000/s gave p99 194, 264, 126, 90, 85 and 78 ms (the
            // 2026-11-30 machine): the JVM still warming up to a steady rate (the JIT took 44% of the drain's CPU).
            Trial warmRun = driver.offer("baseline warm-up run", new Schedule(options.matchRate()),
                    baseline.warmupWindow(), rule);
            driver.drain(warmRun, baseline.cap());
            Driver.Quiet rest = driver.awaitQuiet(Driver.REST_CAP);

            long fromMs = System.currentTimeMillis();
            Trial latency = driver.offer("baseline latency", new Schedule(options.matchRate()),
                    options.latencyWindowAt(options.matchRate()), rule);
            boolean complete = driver.drain(latency, baseline.cap());
            long toMs = System.currentTimeMillis();
            log.info("Baseline latency at {}/s: {}", Math.round(options.matchRate()), latency.latency().text());
            // The same breakdown as the Lapse latency rows give, so that hop can be set beside hop.
            String hops = latency.completedCount() == 0 ? "" : "; hops by record timestamps: "
                    + HopTimes.describe(stand.bootstrapServers(), pipeline.topics(), fromMs, toMs);

            Optional<String> failure = pipeline.failure();
            rows.add(new Row(SUSTAINED, SECTION, "sustained throughput, draining a backlog",
                    drainRate(failure, drained),
                    String.format(Locale.ROOT, "%,d of %,d keyed records of %d B, 6 partitions, in %.1f s%s",
                            drained.completedCount(), drained.offeredCount(), baseline.valueBytes(),
                            drained.drainSeconds(), left(drained))));
            rows.add(new Row(CPU, SECTION, "CPU per record, draining the backlog",
                    drained.cpuPerItem(new Measurement.Missing("the backlog did not drain")),
                    "this JVM's CPU time (broker, stages, load, idle Lapse services) from the drain above until the"
                            + " JVM went quiet again, per record through all three hops"
                            + drained.compilerNote("record")));
            rows.add(new Row(LATENCY_MATCH, SECTION, String.format(Locale.ROOT,
                    "produced → seen at the end, at %,.0f records/s offered", options.matchRate()),
                    failure.<Measurement>map(Measurement.Missing::new).orElseGet(latency::latency),
                    String.format(Locale.ROOT, "%,d records over %.0f s%s, after %.1f s at that rate%s%s",
                            latency.offeredCount(), latency.offerSeconds(), complete ? "" : left(latency),
                            warmRun.offerSeconds(), rest.note(), hops)));
        }
        rows.addAll(lapseShaped(stand, runId));
        return rows;
    }

    private List<Row> lapseShaped(Stand stand, String runId) {
        BenchOptions.Baseline baseline = options.baseline();
        Completions completions = new Completions();
        try (BaselinePipeline pipeline = BaselinePipeline.start(stand.bootstrapServers(), runId,
                BaselinePipeline.Shape.LAPSE, completions, baseline.valueBytes())) {
            Driver driver = new Driver(pipeline, completions);
            // The bare pipeline has warmed the broker and the clients: this warm-up only lets the stages join their
            // groups. A smaller drain than the bare pipeline's saves the run's time: 60,000 records in the full run,
            // 4-6 s at its rates on the 2026-11-30 machine.
            Trial warm = driver.burst("Lapse-shaped warm-up burst", baseline.warmupRecords() / 6, baseline.cap());
            driver.settle(warm, Driver.SETTLE_CAP);
            Trial drained = driver.burst("Lapse-shaped drain", baseline.drainRecords() * 2 / 5, baseline.cap());
            driver.settle(drained, Driver.SETTLE_CAP);
            log.info("Baseline in Lapse's shape: {} records drained at {} records/s", drained.completedCount(),
                    Math.round(drained.drainedPerSecond()));
            Optional<String> failure = pipeline.failure();
            return List.of(
                    new Row(SHAPED_SUSTAINED, SECTION, "in Lapse's shape: sustained throughput, draining a backlog",
                            drainRate(failure, drained),
                            String.format(Locale.ROOT, "%,d of %,d records through the same three hops, with every"
                                            + " other record Lapse's services write and read for a request (two"
                                            + " state writes in the hops, a revoker stage, an audit and a read-model"
                                            + " reader), in %.1f s%s", drained.completedCount(),
                                    drained.offeredCount(), drained.drainSeconds(), left(drained))),
                    new Row(SHAPED_CPU, SECTION, "in Lapse's shape: CPU per record, draining the backlog",
                            drained.cpuPerItem(new Measurement.Missing("the backlog did not drain")),
                            "as for the bare pipeline: what Lapse's Kafka traffic costs per request without any of"
                                    + " its own work (no Avro, no decisions, no hashing, no HTTP)"
                                    + drained.compilerNote("record")));
        }
    }

    // The rate a pipeline drained its backlog at, unless a stage failed or nothing came through.
    private static Measurement drainRate(Optional<String> failure, Trial drained) {
        return failure.<Measurement>map(Measurement.Missing::new).orElseGet(() -> drained.completedCount() == 0
                ? new Measurement.Missing("no record came through")
                : new Measurement.Rate(drained.drainedPerSecond(), "records/s"));
    }

    private static String left(Trial trial) {
        long left = trial.backlog() + trial.failedCount();
        return left == 0 ? "" : String.format(Locale.ROOT, "; %,d not seen within the cap", left);
    }
}
