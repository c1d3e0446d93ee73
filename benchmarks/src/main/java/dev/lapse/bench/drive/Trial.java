package dev.lapse.bench.drive;

import dev.lapse.bench.load.BacklogSample;
import dev.lapse.bench.report.Measurement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;
import org.jspecify.annotations.Nullable;

/**
 * One measured run of a {@link Driver}: how many items were offered, done and failed, each done item's latency,
 * the backlog over time, and whether the run was stopped early. Completions are recorded by the thread that sees
 * them; everything else by the driver's thread.
 */
public final class Trial {

    private final String name;
    private final long startNanos;
    private final long startCpuNanos = ProcessCpu.nanos();
    private final long startCompilerNanos = ProcessCpu.compilerNanos();
    private long settledCpuNanos = -1;
    private long settledCompilerNanos = -1;
    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong lastCompletionNanos = new AtomicLong();
    private final AtomicReference<@Nullable String> firstFailure = new AtomicReference<>();
    // Microseconds, three significant digits, resizing itself: a minute-long latency is recorded as well as 200 us.
    private final Histogram latencyMicros = new SynchronizedHistogram(3);
    private final List<BacklogSample> samples = new ArrayList<>();
    private long offerEndNanos;
    private long completedAtOfferEnd;
    private @Nullable Long stoppedEarlyAtMs;

    Trial(String name, long startNanos) {
        this.name = name;
        this.startNanos = startNanos;
    }

    public String name() {
        return name;
    }

    void offered() {
        offered.incrementAndGet();
    }

    void completed(long latencyNanos, long nanoTime) {
        latencyMicros.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(latencyNanos)));
        lastCompletionNanos.accumulateAndGet(nanoTime, Math::max);
        completed.incrementAndGet();
    }

    void failed(String reason) {
        firstFailure.compareAndSet(null, reason);
        failed.incrementAndGet();
    }

    void sample(long elapsedMs, long backlog) {
        samples.add(new BacklogSample(elapsedMs, backlog));
    }

    void offerEnded(long nanoTime, @Nullable Long stoppedAtMs) {
        offerEndNanos = nanoTime;
        completedAtOfferEnd = completed.get();
        stoppedEarlyAtMs = stoppedAtMs;
    }

    /** Every item offered is done or failed, and what the items set off elsewhere has settled: the trial's cost. */
    void settled(long cpuNanos, long compilerNanos) {
        settledCpuNanos = cpuNanos;
        settledCompilerNanos = compilerNanos;
    }

    /**
     * Microseconds of CPU this JVM used per item done, from the first submission until every item was done and the
     * JVM had gone quiet again ({@link Driver#settle}): so work off the items' path that lags behind them (the audit
     * sink, the read model) counts too, wherever it falls. On a machine shared with other work, or a slower one, a
     * rate changes but this much less, so it compares runs where a rate cannot.
     *
     * @param unmeasured what to report when the trial was not settled, nothing was done, or the platform does not say
     */
    public Measurement cpuPerItem(Measurement unmeasured) {
        if (settledCpuNanos < 0 || startCpuNanos < 0 || completed.get() == 0) {
            return unmeasured;
        }
        return new Measurement.Amount((settledCpuNanos - startCpuNanos) / 1000.0 / completed.get(), "µs of CPU");
    }

    /**
     * Of {@link #cpuPerItem}, the CPU of the JVM's JIT compiler threads per item done, in microseconds: what a JVM
     * still warming up spends on compiling rather than on the items (on two cores that also carry the load, the JIT
     * falls further behind the slower the machine). Empty when the trial was not settled, nothing was done, or the
     * platform does not say ({@link ProcessCpu#compilerNanos}; or a compiler thread ended meanwhile, taking its CPU
     * time with it, so that less is counted at the end than at the start).
     */
    public OptionalDouble compilerMicrosPerItem() {
        if (settledCompilerNanos < 0 || startCompilerNanos < 0 || settledCompilerNanos < startCompilerNanos
                || settledCpuNanos < 0 || completed.get() == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of((settledCompilerNanos - startCompilerNanos) / 1000.0 / completed.get());
    }

    /**
     * The share of this JVM's CPU over the trial (as in {@link #cpuPerItem}) that went to its JIT compiler threads,
     * between 0 and 1; empty where {@link #compilerMicrosPerItem} is.
     */
    public OptionalDouble compilerShare() {
        long cpu = settledCpuNanos - startCpuNanos;
        if (compilerMicrosPerItem().isEmpty() || startCpuNanos < 0 || cpu <= 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Math.min(1.0, (double) (settledCompilerNanos - startCompilerNanos) / cpu));
    }

    /**
     * {@link #compilerMicrosPerItem} as the end of a CPU row's note ("; of it, the JIT compiler threads: 812 µs per
     * request"), or nothing when there is no figure.
     */
    public String compilerNote(String item) {
        OptionalDouble compiler = compilerMicrosPerItem();
        return compiler.isEmpty() ? ""
                : String.format(Locale.ROOT, "; of it, the JIT compiler threads: %,.0f µs per %s",
                        compiler.getAsDouble(), item);
    }

    public long offeredCount() {
        return offered.get();
    }

    public long completedCount() {
        return completed.get();
    }

    public long failedCount() {
        return failed.get();
    }

    /** Items offered that were neither done nor failed. */
    public long backlog() {
        return offered.get() - completed.get() - failed.get();
    }

    public Optional<String> firstFailure() {
        return Optional.ofNullable(firstFailure.get());
    }

    public List<BacklogSample> samples() {
        return List.copyOf(samples);
    }

    /** When the run was stopped because its backlog passed the bound, ms after its start. */
    public Optional<Long> stoppedEarlyAtMs() {
        return Optional.ofNullable(stoppedEarlyAtMs);
    }

    /** How long items were offered, in seconds. */
    public double offerSeconds() {
        return (offerEndNanos - startNanos) / 1e9;
    }

    /** Items done per second from the first submission to the last completion: a burst's drain rate. */
    public double drainedPerSecond() {
        long last = lastCompletionNanos.get();
        return completed.get() == 0 || last <= startNanos ? 0 : completed.get() / ((last - startNanos) / 1e9);
    }

    /** Seconds from the first submission to the last completion. */
    public double drainSeconds() {
        long last = lastCompletionNanos.get();
        return last <= startNanos ? 0 : (last - startNanos) / 1e9;
    }

    /** Items done per second while items were offered: what the system managed under this load. */
    public double managedPerSecond() {
        double seconds = offerSeconds();
        return seconds <= 0 ? 0 : completedAtOfferEnd / seconds;
    }

    /** p50, p99 and p99.9 of the done items' latencies, or why there are none. */
    public Measurement latency() {
        Histogram copy = latencyMicros.copy();
        if (copy.getTotalCount() == 0) {
            return new Measurement.Missing("no item of " + name + " was seen done"
                    + firstFailure().map(reason -> " (first failure: " + reason + ")").orElse(""));
        }
        return new Measurement.Latency(copy.getValueAtPercentile(50) / 1000.0,
                copy.getValueAtPercentile(99) / 1000.0, copy.getValueAtPercentile(99.9) / 1000.0,
                copy.getTotalCount(), stoppedEarlyAtMs == null);
    }
}
