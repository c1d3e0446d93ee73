package dev.lapse.bench.policy;

import dev.lapse.bench.BenchOptions;
import dev.lapse.bench.Section;
import dev.lapse.bench.Stand;
import dev.lapse.bench.report.Measurement;
import dev.lapse.bench.report.Row;
import dev.lapse.bench.report.Table;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The policy engine's micro-benchmark: one decision against 1,000 loaded rules ({@link PolicyDecisionBenchmark}). */
public final class PolicySection implements Section {

    private static final Logger log = LoggerFactory.getLogger(PolicySection.class);
    private static final String SECTION = "policy decision (JMH)";
    private static final String HEAP = "1g";

    private final BenchOptions.Policy jmh;

    public PolicySection(BenchOptions options) {
        this.jmh = options.policy();
    }

    @Override
    public String name() {
        return SECTION;
    }

    @Override
    public List<Row> run(Stand stand, Table soFar) {
        String id = "policy.decision." + jmh.rules();
        String figure = String.format(Locale.ROOT, "one decision against %,d loaded rules", jmh.rules());
        if (jmh.forks() == 0) {
            System.setProperty("jmh.ignoreLock", "true"); // as the wheel's in-process smoke runs
        }
        try {
            Collection<RunResult> results = new Runner(options()).run();
            if (results.isEmpty()) {
                return List.of(new Row(id, SECTION, figure, new Measurement.Missing("JMH returned no result"), ""));
            }
            Result<?> score = results.iterator().next().getPrimaryResult();
            double micros = score.getScore() / 1_000;
            log.info("{}: {} µs/op", figure, String.format(Locale.ROOT, "%.2f", micros));
            return List.of(new Row(id, SECTION, figure, new Measurement.Amount(micros, "µs/op"), note(score)));
        } catch (RunnerException | RuntimeException e) {
            log.warn("{} could not be measured", figure, e);
            return List.of(new Row(id, SECTION, figure, new Measurement.Missing("JMH failed: " + e), ""));
        }
    }

    private Options options() {
        return new OptionsBuilder()
                .include("^" + Pattern.quote(PolicyDecisionBenchmark.class.getName() + ".decide") + "$")
                .param("rules", Integer.toString(jmh.rules()))
                .forks(jmh.forks())
                .jvmArgs("-Xms" + HEAP, "-Xmx" + HEAP)
                .warmupIterations(jmh.warmupIterations())
                .warmupTime(TimeValue.milliseconds(jmh.iterationTime().toMillis()))
                .measurementIterations(jmh.iterations())
                .measurementTime(TimeValue.milliseconds(jmh.iterationTime().toMillis()))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();
    }

    private String note(Result<?> score) {
        String error = Double.isFinite(score.getScoreError())
                ? String.format(Locale.ROOT, "± %.2f µs (99.9%%), ", score.getScoreError() / 1_000) : "";
        String where = jmh.forks() == 0 ? "in the run's JVM, no fork"
                : String.format(Locale.ROOT, "%d fork (-Xmx%s)", jmh.forks(), HEAP);
        return String.format(Locale.ROOT, "%starget < 20 µs; SELECT on 3 columns of one of 100 databases with 10"
                + " rules each (the rules filed under the table's prefixes are looked at), 2 apply (one through its CEL"
                + " condition), approved; %s, %d×%d ms warm-up, %d×%d ms measured", error, where,
                jmh.warmupIterations(), jmh.iterationTime().toMillis(), jmh.iterations(),
                jmh.iterationTime().toMillis());
    }
}
