package dev.lapse.bench.report;

import java.util.Locale;

/**
 * The value in one row of the table: a rate, a latency distribution, a lag, a ratio, an amount, or why there is none.
 */
public sealed interface Measurement {

    /** The value as the table shows it. */
    String text();

    /** Whether the row holds a number (a {@link Missing} or a {@link Skipped} does not). */
    default boolean measured() {
        return !(this instanceof Missing) && !(this instanceof Skipped);
    }

    /** Something done per second, for example {@code records/s}. */
    record Rate(double perSecond, String unit) implements Measurement {
        public Rate {
            if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
                throw new IllegalArgumentException("a rate must be a finite number >= 0, got " + perSecond);
            }
        }

        @Override
        public String text() {
            return number(perSecond) + " " + unit;
        }
    }

    /**
     * Percentiles of a latency distribution, in milliseconds.
     *
     * @param count how many latencies were recorded
     * @param complete false when the run was stopped early because its backlog kept growing: the figures then
     *     depend on how long it ran, and only say the system was overloaded at that rate
     */
    record Latency(double p50Ms, double p99Ms, double p999Ms, long count, boolean complete) implements Measurement {
        public Latency {
            if (count < 1) {
                throw new IllegalArgumentException("a latency distribution needs at least one value, got " + count);
            }
        }

        @Override
        public String text() {
            return "p50 " + number(p50Ms) + " · p99 " + number(p99Ms) + " · p99.9 " + number(p999Ms) + " ms"
                    + (complete ? "" : " (overloaded)");
        }
    }

    /**
     * How late something happened after it was due, in milliseconds and in ticks of the clock that drives it: the
     * revoker's expiry lag, whose target is stated in ticks.
     *
     * @param count how many lags were recorded
     * @param tickMs the tick the figures are also given in
     */
    record Lag(double p50Ms, double p99Ms, double maxMs, long count, double tickMs) implements Measurement {
        public Lag {
            if (count < 1) {
                throw new IllegalArgumentException("a lag distribution needs at least one value, got " + count);
            }
            if (!(tickMs > 0)) {
                throw new IllegalArgumentException("a tick must be > 0 ms, got " + tickMs);
            }
        }

        @Override
        public String text() {
            return "p50 " + number(p50Ms) + " · p99 " + number(p99Ms) + " · max " + number(maxMs) + " ms = "
                    + number(p50Ms / tickMs) + " · " + number(p99Ms / tickMs) + " · " + number(maxMs / tickMs)
                    + " ticks of " + number(tickMs) + " ms";
        }
    }

    /** One figure divided by another. */
    record Ratio(double value) implements Measurement {
        @Override
        public String text() {
            return Double.isFinite(value) ? String.format(Locale.ROOT, "%.3g", value) : "n/a";
        }
    }

    /** A figure with a unit that is neither a rate nor a latency, for example bytes per grant or ns/op. */
    record Amount(double value, String unit) implements Measurement {
        @Override
        public String text() {
            return number(value) + " " + unit;
        }
    }

    /** No figure: the section could not measure it, and says why. */
    record Missing(String why) implements Measurement {
        @Override
        public String text() {
            return "not measured";
        }
    }

    /**
     * No figure, on purpose: what the row needs is not on this machine (a PostgreSQL server), and the run was not
     * told to require it. Unlike {@link Missing}, it does not make the run fail.
     */
    record Skipped(String why) implements Measurement {
        @Override
        public String text() {
            return "skipped";
        }
    }

    /**
     * A number as the table writes it: three significant digits below 100, whole numbers with thousands separators
     * above, so {@code 0.412}, {@code 66.6} and {@code 52,340} line up for a reader; a difference may be negative.
     */
    static String number(double value) {
        if (value < 0) {
            return "-" + number(-value);
        }
        if (value >= 100 || value == 0) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (value >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (value >= 1) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return String.format(Locale.ROOT, "%.3g", value);
    }
}
