package dev.lapse.bench.lapse;

import dev.lapse.bench.BenchOptions;
import dev.lapse.bench.Section;
import dev.lapse.bench.Stand;
import dev.lapse.bench.drive.Completions;
import dev.lapse.bench.drive.Driver;
import dev.lapse.bench.drive.Target;
import dev.lapse.bench.drive.Trial;
import dev.lapse.bench.kafka.HopTimes;
import dev.lapse.bench.kafka.KeyWatcher;
import dev.lapse.bench.kafka.ReaderLag;
import dev.lapse.bench.load.BacklogRule;
import dev.lapse.bench.load.RateSearch;
import dev.lapse.bench.load.Schedule;
import dev.lapse.bench.report.Measurement;
import dev.lapse.bench.report.Row;
import dev.lapse.bench.report.Table;
import dev.lapse.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lapse end to end over one channel (the Kafka ingress or REST), every request auto-approved; an item is done when
 * its {@code AccessGranted} is seen. Three steps, each bounded in time whatever Lapse's speed:
 * <ol>
 *   <li><b>Capacity</b>: bursts of requests submitted at once, back to back for the warm-up budget, so that what
 *       follows measures the channel's path compiled, not the JIT compiling it; then, once the JVM has come to rest,
 *       one more, whose drain rate is the estimate.</li>
 *   <li><b>Highest sustained rate</b>: a fraction of the estimate offered for the verification window (30 s); it
 *       holds when the backlog stays bounded ({@link BacklogRule}); then a step higher is tried, otherwise a lower
 *       one, or one between a rate that held and a higher one that did not ({@link RateSearch}), while the search
 *       budget lasts; the highest that held is the figure. Only the grants are watched, so its note also says how far
 *       the audit sink and the read model, which trail them, were behind when the offer ended ({@link ReaderLag}).</li>
 *   <li><b>Latency</b>, submitted → granted, at the low rate, at the rate the baseline was offered, and at 80% of the
 *       highest sustained rate. A run that overloads Lapse stops as soon as its backlog passes the bound, so what it
 *       leaves behind drains in seconds; its row says so.</li>
 * </ol>
 */
public final class LapseSection implements Section {

    /** How a request reaches Lapse. */
    public enum Channel {
        INGRESS("ingress", "Lapse via Kafka ingress"),
        REST("rest", "Lapse via REST");

        private final String key;
        private final String title;

        Channel(String key, String title) {
            this.key = key;
            this.title = title;
        }

        /** The id of this channel's row of a figure, for example {@code ingress.sustained}. */
        public String id(String figure) {
            return key + "." + figure;
        }

        /** The channel's short name, as in row ids. */
        public String key() {
            return key;
        }

        public String title() {
            return title;
        }
    }

    /** Figure of the capacity estimate, requests/s. */
    public static final String BURST = "burst";
    /** Figure of the CPU used per request while the burst drained. */
    public static final String CPU = "cpu";
    /** Figure of the highest sustained rate, requests/s. */
    public static final String SUSTAINED = "sustained";
    /** Figure of the latency at the low rate. */
    public static final String LATENCY_LOW = "latency.low";
    /** Figure of the latency at the rate the baseline was offered too. */
    public static final String LATENCY_MATCH = "latency.match";
    /** Figure of the latency at 80% of the highest sustained rate. */
    public static final String LATENCY_80 = "latency.sustained80";

    private static final Logger log = LoggerFactory.getLogger(LapseSection.class);
    private static final double SHARE_OF_SUSTAINED = 0.8;

    private final Channel channel;
    private final BenchOptions options;
    private final BenchOptions.Lapse lapse;

    public LapseSection(Channel channel, BenchOptions options) {
        this.channel = channel;
        this.options = options;
        this.lapse = options.lapse();
    }

    @Override
    public String name() {
        return channel.title();
    }

    @Override
    public List<Row> run(Stand stand, Table soFar) {
        Completions completions = new Completions();
        Approvable request = new Approvable(lapse.requestedDuration());
        try (KeyWatcher grants = KeyWatcher.start(stand.bootstrapServers(), Topics.ACCESS_GRANTED.name(),
                completions);
             ReaderLag readers = new ReaderLag(stand.bootstrapServers());
             Target target = channel == Channel.INGRESS
                     ? new IngressTarget(stand.bootstrapServers(), stand.registryUrl(), completions, request)
                     : new RestTarget(stand.requestServiceUrl(), request.bearerToken(stand.identityDirectory()),
                             completions, request, lapse.restInFlight())) {
            Driver driver = new Driver(target, completions);
            List<Row> rows = new ArrayList<>();

            Probe bursts = probe(driver);
            Trial probe = bursts.measured();
            double capacity = probe.drainedPerSecond();
            rows.add(row(BURST, "burst drain (capacity estimate)", capacity == 0
                    ? missing("no request of the bursts was granted", probe)
                    : new Measurement.Rate(capacity, "requests/s"),
                    String.format(Locale.ROOT, "%,d requests submitted at once, granted in %.1f s%s, after %d warm-up"
                            + " bursts back to back over %.0f s%s", probe.offeredCount(), probe.drainSeconds(),
                            left(probe), bursts.warmups(), bursts.warmupSeconds(), bursts.rest().note())));
            if (capacity == 0) {
                return rows;
            }
            rows.add(row(CPU, "CPU per request, draining the burst",
                    probe.cpuPerItem(missing("the burst did not drain", probe)),
                    "this JVM's CPU time (broker, the five services, load, watcher) from the burst above until every"
                            + " request was granted and the JVM went quiet again (so the audit sink's and the read"
                            + " model's share counts too), per request: comparable across runs where rates are not"
                            + probe.compilerNote("request")));

            Search search = search(driver, capacity, readers);
            rows.add(row(SUSTAINED, String.format(Locale.ROOT, "highest sustained rate (backlog bounded for %d s)",
                    lapse.verifyWindow().toSeconds()), search.found() == null
                    ? new Measurement.Missing("no rate held within the search budget of "
                            + lapse.searchBudget().toSeconds() + " s")
                    : new Measurement.Rate(search.found(), "requests/s"), search.note()));

            rows.add(latencyRow(driver, stand, LATENCY_LOW, lapse.lowRate(), capacity, "", true));
            rows.add(latencyRow(driver, stand, LATENCY_MATCH, options.matchRate(), capacity, "", true));
            double sustained = search.found() != null ? search.found() : search.lowestTried();
            rows.add(latencyRow(driver, stand, LATENCY_80, SHARE_OF_SUSTAINED * sustained, capacity,
                    search.found() != null ? " (80% of the highest sustained)"
                            : " (80% of the lowest rate tried; none held)", false));
            if (grants.failure() != null) {
                throw new IllegalStateException("the watcher of granted requests stopped", grants.failure());
            }
            return rows;
        }
    }

    /**
     * The measured burst, whose drain rate is the capacity estimate, the warm-up bursts before it, and how the wait
     * for the JVM to come to rest between them ended.
     */
    private record Probe(Trial measured, int warmups, double warmupSeconds, Driver.Quiet rest) {
    }

    /**
     * Warm-up bursts, then the measured one. The first burst ({@code firstProbe} requests) sizes the next; bursts go
     * on back to back for the warm-up budget, each drained but not waited on until the JVM is quiet (the JIT
     * compiles what runs, not what waits), each sized to keep Lapse busy for {@code probeSeconds} at the rate of the
     * one before. Then, once the JVM has come to rest (its JIT compiler threads too), one more burst, settled as every
     * measured trial is. A fixed budget rather than the JIT's share of a burst: under load the compiler threads get
     * little of the cores, so a burst shows a small share while the compile queue is still long (8% in a burst
     * followed by 31% in the next, measured on 2026-11-30).
     */
    private Probe probe(Driver driver) {
        long start = System.nanoTime();
        long deadline = start + lapse.warmupBudget().toNanos();
        int size = lapse.firstProbe();
        int warmups = 0;
        double rate;
        do {
            warmups++;
            Trial burst = driver.burst(channel.key + " warm-up " + warmups, size, lapse.probeCap());
            driver.drain(burst, lapse.drainCap());
            rate = burst.drainedPerSecond();
            log.info("{}: warm-up burst {} of {} requests granted at {} requests/s in {} s", channel.title(), warmups,
                    size, Math.round(rate), String.format(Locale.ROOT, "%.1f", burst.drainSeconds()));
            size = RateSearch.probeSize(rate, lapse.probeSeconds(), lapse.firstProbe(), lapse.maxProbe());
        } while (rate > 0 && System.nanoTime() - deadline < 0);
        double warmupSeconds = (System.nanoTime() - start) / 1e9;
        Driver.Quiet rest = driver.awaitQuiet(Driver.REST_CAP);
        Trial measured = driver.burst(channel.key + " burst", size, lapse.probeCap());
        driver.drain(measured, lapse.drainCap());
        driver.settle(measured, Driver.SETTLE_CAP);
        log.info("{}: burst of {} requests granted at {} requests/s in {} s, {}% of its CPU in the JIT compiler"
                + " threads", channel.title(), size, Math.round(measured.drainedPerSecond()),
                String.format(Locale.ROOT, "%.1f", measured.drainSeconds()),
                Math.round(100 * measured.compilerShare().orElse(0)));
        return new Probe(measured, warmups, warmupSeconds, rest);
    }

    /** What the search for the highest sustained rate found, and what it tried before. */
    private record Search(@Nullable Double found, double lowestTried, String note) {
    }

    private Search search(Driver driver, double capacity, ReaderLag readers) {
        RateSearch search = new RateSearch(channel == Channel.REST ? lapse.restFirstFraction() : lapse.firstFraction(),
                lapse.stepDown());
        double candidate = search.first(capacity);
        double lowest = candidate;
        Double held = null;
        double lowestFailed = Double.POSITIVE_INFINITY;
        String heldNote = "";
        long deadline = System.nanoTime() + lapse.searchBudget().toNanos();
        List<String> tried = new ArrayList<>();
        do {
            BacklogRule rule = BacklogRule.of(capacity, candidate, lapse.boundSeconds(), lapse.minBound());
            Map<String, ReaderLag.Position> readersAtStart = readers.positions();
            Trial trial = driver.offer(channel.key + " at " + rate(candidate), new Schedule(candidate),
                    lapse.verifyWindow(), rule);
            BacklogRule.Verdict verdict = rule.judge(trial.samples());
            // Before the drain: what the readers that trail the grants had left undone when the offer ended.
            String behind = ReaderLag.describe(readersAtStart, readers.positions(), trial.offerSeconds());
            driver.drain(trial, lapse.drainCap());
            lowest = Math.min(lowest, candidate);
            String outcome = trial.failedCount() == 0 ? verdict.describe()
                    : String.format(Locale.ROOT, "%,d failed (%s)", trial.failedCount(), trial.firstFailure().orElse(""));
            log.info("{}: {} requests/s offered for {} s: {}", channel.title(), rate(candidate),
                    String.format(Locale.ROOT, "%.1f", trial.offerSeconds()), outcome);
            if (verdict.sustained() && trial.stoppedEarlyAtMs().isEmpty() && trial.failedCount() == 0) {
                held = candidate;
                heldNote = String.format(Locale.ROOT, "%.0f%% of the burst drain; %s (bound %,d); when the offer ended,"
                                + " the readers that trail the grants were behind by (in seconds of what flowed to them"
                                + " meanwhile; their commits lag up to a second): %s", 100 * candidate / capacity,
                        outcome, rule.bound(), behind);
                // Held: the next step is up, since the burst's estimate may be far below capacity, but never to a
                // rate that already failed: between the two instead.
                long peak = verdict instanceof BacklogRule.Verdict.Sustained sustained ? sustained.maxBacklog() : 0;
                candidate = search.up(candidate, (double) peak / rule.bound());
                if (candidate < lowestFailed) {
                    continue;
                }
            } else {
                tried.add(rate(candidate) + "/s (" + outcome + ")");
                lowestFailed = Math.min(lowestFailed, candidate);
                if (held == null) {
                    // A run stopped within seconds managed little more than its first latencies: its rate says
                    // nothing of capacity, so the next step is the plain step down.
                    candidate = search.next(candidate,
                            trial.stoppedEarlyAtMs().isPresent() ? 0 : trial.managedPerSecond());
                    continue;
                }
            }
            // A rate held below one that failed: try between them, or end the search when they are close.
            OptionalDouble between = search.between(held, lowestFailed);
            if (between.isEmpty()) {
                candidate = held;
                break;
            }
            candidate = between.getAsDouble();
        } while (System.nanoTime() + lapse.verifyWindow().toNanos() - deadline <= 0);
        String notHeld = tried.isEmpty() ? "" : "did not hold: " + String.join(", ", tried);
        if (held == null) {
            return new Search(null, lowest, notHeld);
        }
        // The search ends on a failure above the held rate, below one, or with the budget spent right after a hold.
        String above = candidate > held ? "; " + rate(candidate) + "/s not tried: search budget spent" : "";
        return new Search(held, lowest, heldNote + (notHeld.isEmpty() ? "" : "; " + notHeld) + above);
    }

    private Row latencyRow(Driver driver, Stand stand, String figure, double rate, double capacity, String why,
            boolean hops) {
        BacklogRule rule = BacklogRule.of(capacity, rate, lapse.boundSeconds(), lapse.minBound());
        // On a JVM at rest, as the baseline's latency: the search's last trial is often an overloaded one, and the
        // audit sink and the read model, which trail the grants, would otherwise still be catching up meanwhile.
        Driver.Quiet rest = driver.awaitQuiet(Driver.REST_CAP);
        long fromMs = System.currentTimeMillis();
        Trial trial = driver.offer(channel.key + " latency at " + rate(rate), new Schedule(rate),
                options.latencyWindowAt(rate), rule);
        driver.drain(trial, lapse.drainCap());
        long toMs = System.currentTimeMillis();
        Measurement latency = trial.latency();
        log.info("{}: submitted → granted at {} requests/s: {}", channel.title(), rate(rate), latency.text());
        StringBuilder note = new StringBuilder(String.format(Locale.ROOT, "%,d requests over %.1f s",
                trial.offeredCount(), trial.offerSeconds()));
        trial.stoppedEarlyAtMs().ifPresent(atMs -> note.append(String.format(Locale.ROOT,
                "; stopped after %.1f s, its backlog past %,d (%.0f s of the burst drain): Lapse is overloaded at this"
                        + " rate", atMs / 1000.0, rule.bound(), lapse.boundSeconds())));
        note.append(left(trial));
        note.append(rest.note());
        if (hops && trial.completedCount() > 0) {
            note.append("; hops by record timestamps: ").append(HopTimes.describe(stand.bootstrapServers(),
                    HopTimes.REQUEST_PATH, fromMs, toMs));
        }
        return row(figure, String.format(Locale.ROOT, "submitted → granted at %s requests/s offered%s", rate(rate),
                why), latency, note.toString());
    }

    private Row row(String figure, String text, Measurement value, String note) {
        return new Row(channel.id(figure), channel.title(), text, value, note);
    }

    private static Measurement missing(String why, Trial trial) {
        return new Measurement.Missing(why + trial.firstFailure().map(reason -> " (first failure: " + reason + ")")
                .orElse(""));
    }

    private String left(Trial trial) {
        StringBuilder text = new StringBuilder();
        if (trial.backlog() > 0) {
            text.append(String.format(Locale.ROOT, "; %,d not granted within %d s after, left out", trial.backlog(),
                    TimeUnit.NANOSECONDS.toSeconds(lapse.drainCap().toNanos())));
        }
        if (trial.failedCount() > 0) {
            text.append(String.format(Locale.ROOT, "; %,d failed (first: %s)", trial.failedCount(),
                    trial.firstFailure().orElse("")));
        }
        return text.toString();
    }

    private static String rate(double perSecond) {
        return perSecond >= 100 ? String.format(Locale.ROOT, "%,.0f", perSecond)
                : String.format(Locale.ROOT, "%.1f", perSecond);
    }
}
