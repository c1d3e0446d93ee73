package dev.lapse.bench.load;

import java.util.List;

/**
 * When a run at a steady offered rate counts as sustained: its backlog (items due minus items done) stayed under
 * {@code bound} the whole time, and its mean over the last third of the run exceeded its mean over the middle third
 * by no more than {@code growthTolerance}. The first third is left out: it is the pipeline filling up. A driver stops
 * a run as soon as the backlog passes the bound, so an overloaded run costs seconds, and what it left behind drains
 * in about {@code bound / capacity}.
 *
 * <p>For example at 1,000 requests/s offered to a system that drains 1,200/s, with {@code bound} 2,400 (two seconds
 * of capacity) and {@code growthTolerance} 250 (a quarter second of the offered rate): a backlog that hovers around
 * 80 is sustained; one that climbs by 50 a second passes the bound only after 48 s, but rises by ~500 from the middle
 * third to the last of a 30 s run, and is judged as growing.
 */
public record BacklogRule(long bound, long growthTolerance) {

    public BacklogRule {
        if (bound < 1 || growthTolerance < 1) {
            throw new IllegalArgumentException("bound and growthTolerance must be at least 1, got " + bound + " and "
                    + growthTolerance);
        }
    }

    /**
     * The rule for a run offered {@code offeredPerSecond} to a system whose estimated capacity is
     * {@code capacityPerSecond}: bound = {@code boundSeconds} of capacity (at least {@code minBound}), tolerance =
     * a quarter second of the offered rate (at least 10).
     */
    public static BacklogRule of(double capacityPerSecond, double offeredPerSecond, double boundSeconds,
            long minBound) {
        long bound = Math.max(minBound, Math.round(capacityPerSecond * boundSeconds));
        long tolerance = Math.max(10, Math.round(offeredPerSecond / 4));
        return new BacklogRule(bound, tolerance);
    }

    /** Whether the driver should stop the run now. */
    public boolean overflows(long backlog) {
        return backlog > bound;
    }

    /** The verdict on a run from its backlog samples, taken at a steady interval. */
    public Verdict judge(List<BacklogSample> samples) {
        long max = 0;
        for (BacklogSample sample : samples) {
            if (overflows(sample.backlog())) {
                return new Verdict.Overflowed(sample.elapsedMs(), sample.backlog(), bound);
            }
            max = Math.max(max, sample.backlog());
        }
        if (samples.size() < 3) {
            return new Verdict.TooShort(samples.size());
        }
        int third = samples.size() / 3;
        double middle = mean(samples.subList(third, 2 * third));
        double last = mean(samples.subList(2 * third, samples.size()));
        if (last - middle > growthTolerance) {
            return new Verdict.Grew(middle, last, growthTolerance);
        }
        return new Verdict.Sustained(max);
    }

    private static double mean(List<BacklogSample> samples) {
        return samples.stream().mapToLong(BacklogSample::backlog).average().orElse(0);
    }

    /** The judgement of one run. */
    public sealed interface Verdict {

        boolean sustained();

        /** One line for the table's note. */
        String describe();

        /** The backlog stayed bounded. */
        record Sustained(long maxBacklog) implements Verdict {
            @Override
            public boolean sustained() {
                return true;
            }

            @Override
            public String describe() {
                return "backlog at most " + maxBacklog;
            }
        }

        /** The backlog passed the bound; the run was stopped there. */
        record Overflowed(long atMs, long backlog, long bound) implements Verdict {
            @Override
            public boolean sustained() {
                return false;
            }

            @Override
            public String describe() {
                return "backlog " + backlog + " > " + bound + " after " + String.format(java.util.Locale.ROOT,
                        "%.1f", atMs / 1000.0) + " s";
            }
        }

        /** The backlog stayed under the bound but kept growing. */
        record Grew(double middleMean, double lastMean, long tolerance) implements Verdict {
            @Override
            public boolean sustained() {
                return false;
            }

            @Override
            public String describe() {
                return "backlog grew from ~" + Math.round(middleMean) + " to ~" + Math.round(lastMean);
            }
        }

        /** Too few samples to see a trend. */
        record TooShort(int samples) implements Verdict {
            @Override
            public boolean sustained() {
                return false;
            }

            @Override
            public String describe() {
                return "only " + samples + " backlog sample(s)";
            }
        }
    }
}
