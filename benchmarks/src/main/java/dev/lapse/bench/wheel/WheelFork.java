package dev.lapse.bench.wheel;

import dev.lapse.bench.BenchOptions;
import dev.lapse.bench.wheel.WheelSection.Operation;
import dev.lapse.bench.wheel.WheelSection.Structure;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The JVM the wheel section forks per structure and size, with a heap of its own: JMH, in this JVM, measures add,
 * cancel and advance in turn on one fill of the structure, which its benchmark class keeps between the three runs
 * (at 10^7 entries a fill of {@code DelayQueue} or {@code HashedWheelTimer} takes longer than the three runs).
 * Started with {@link #args}; prints one line {@code RESULT <operation> <ns/op> <error>} per operation as it is
 * measured, and on a failure says why on the first line of its standard error and exits 1.
 */
public final class WheelFork {

    static final String RESULT = "RESULT";

    /**
     * One operation's figure.
     *
     * @param nsPerOp JMH's score, nanoseconds per operation
     * @param error its 99.9% confidence half-interval; NaN when there were too few iterations to have one
     */
    record Score(Operation operation, double nsPerOp, double error) {

        /** The line the fork prints for it. */
        String line() {
            return RESULT + " " + operation.method + " " + nsPerOp + " " + error;
        }

        /** The score a line of the fork's output holds, if it is one. */
        static Optional<Score> parse(String line) {
            String[] fields = line.trim().split(" ");
            if (fields.length != 4 || !fields[0].equals(RESULT)) {
                return Optional.empty();
            }
            try {
                return Operation.of(fields[1]).map(operation -> new Score(operation, Double.parseDouble(fields[2]),
                        Double.parseDouble(fields[3])));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    private WheelFork() {
    }

    public static void main(String[] args) {
        Structure structure = Structure.valueOf(args[0]);
        int live = Integer.parseInt(args[1]);
        // Forks 0: JMH runs in this JVM, which is the fork.
        BenchOptions.Wheel options = new BenchOptions.Wheel(List.of(live), 0, args[2], Integer.parseInt(args[3]),
                Integer.parseInt(args[4]), Duration.ofMillis(Long.parseLong(args[5])), Integer.parseInt(args[6]));
        try {
            // The JVM ends next, so the structure is not dropped first: Netty's HashedWheelTimer.stop() gathers every
            // timeout it still holds into a set, 11 s at 10^7 on the 2026-11-30 machine, a tenth of the section.
            measure(structure, live, options, false, score -> {
                System.out.println(score.line());
                System.out.flush();
            });
        } catch (RunnerException | RuntimeException e) {
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            System.err.println("JMH failed: " + e + (cause != e ? "; caused by " + cause : ""));
            e.printStackTrace();
            System.exit(1);
        }
        // JMH's in-process runs may leave threads of theirs behind, and the section waits for this JVM to end.
        System.exit(0);
    }

    /** The arguments of {@link #main} that measure {@code structure} at {@code live} entries as {@code options} say. */
    static List<String> args(Structure structure, int live, BenchOptions.Wheel options) {
        return List.of(structure.name(), Integer.toString(live), options.maxHeap(),
                Integer.toString(options.warmupIterations()), Integer.toString(options.iterations()),
                Long.toString(options.iterationTime().toMillis()), Integer.toString(options.scale()));
    }

    /**
     * Measures add, cancel and advance, in that order, with JMH in this JVM, on one fill of {@code structure}
     * holding {@code live} entries: the first trial fills it, the others find it filled, since every invocation
     * leaves {@code live} entries. Advance runs last, as it is the one that moves the structure's time on. Hands on
     * each score as soon as it is measured and stops at the first failure; with {@code release}, drops the structure
     * in the end (and stops the timer's thread), which a JVM about to end need not do.
     */
    static void measure(Structure structure, int live, BenchOptions.Wheel options, boolean release,
            Consumer<Score> scores) throws RunnerException {
        try {
            for (Operation operation : Operation.values()) {
                int batch = structure.batch(operation, live, options.scale());
                Collection<RunResult> results = new Runner(jmhOptions(structure, operation, live, batch, options))
                        .run();
                if (results.isEmpty()) {
                    throw new RunnerException("JMH returned no result for " + operation.method);
                }
                Result<?> score = results.iterator().next().getPrimaryResult();
                scores.accept(new Score(operation, score.getScore(), score.getScoreError()));
            }
        } finally {
            if (release) {
                structure.release(live);
            }
        }
    }

    private static Options jmhOptions(Structure structure, Operation operation, int live, int batch,
            BenchOptions.Wheel options) {
        return new OptionsBuilder()
                .include("^" + Pattern.quote(structure.benchmark.getName() + "." + operation.method) + "$")
                .param("live", Integer.toString(live))
                .param("batch", Integer.toString(batch))
                .operationsPerInvocation(batch)
                .forks(0)
                .warmupIterations(options.warmupIterations())
                .warmupTime(TimeValue.milliseconds(options.iterationTime().toMillis()))
                .measurementIterations(options.iterations())
                .measurementTime(TimeValue.milliseconds(options.iterationTime().toMillis()))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();
    }
}
