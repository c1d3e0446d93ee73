package dev.lapse.bench.load;

import java.util.OptionalDouble;

/**
 * Which rates the search for the highest sustained rate tries, and how large its capacity probes are. It starts
 * from an estimate, the rate at which a burst drained, tries a multiple of it, and steps down after a run whose
 * backlog did not stay bounded: to {@code stepDown} of the rate tried, or below the rate the system actually managed
 * during that run, whichever is lower. Each step costs at most one verification window, so a time budget bounds the
 * search whatever the system's speed. The first rate may be above the estimate: a burst is short and its size comes
 * from the burst before it, so its drain rate is a rough estimate that tends to run low (on one machine, bursts that
 * drained at 1,700 requests/s were followed in other runs by 3,200 requests/s held for 30 s), while a rate that does
 * not hold costs only the seconds until its backlog passes the bound. A rate that holds is followed, while the budget
 * lasts, by one a step above it, two when its backlog stayed far from the bound ({@link #up(double, double)}): without
 * that, the first rate that held was all the search could report, however far below capacity it was (REST's bursts, a
 * thousand calls each, drained at a third of what its connections then held for 30 s). A rate that fails above one
 * that held is followed by one between them ({@link #between}).
 *
 * @param firstFraction the first rate tried, as a multiple of the burst-drain estimate, in (0, 2]
 * @param stepDown the next rate tried after a failed one, as a fraction of it
 */
public record RateSearch(double firstFraction, double stepDown) {

    /** Below the rate a failed run managed: leaves the system room to work off what is left of its backlog. */
    private static final double BELOW_MANAGED = 0.95;
    /** A held run whose backlog peaked under this share of the bound was far from overload. */
    private static final double FAR_FROM_BOUND = 1.0 / 3;
    /** Rates within this factor of each other are not worth another verification window. */
    private static final double CLOSE_ENOUGH = 1.05;

    public RateSearch {
        if (!(firstFraction > 0 && firstFraction <= 2) || !(stepDown > 0 && stepDown < 1)) {
            throw new IllegalArgumentException("firstFraction must be in (0, 2] and stepDown in (0, 1), got "
                    + firstFraction + " and " + stepDown);
        }
    }

    public double first(double drainedPerSecond) {
        return drainedPerSecond * firstFraction;
    }

    /** The rate to try after {@code tried} failed while the system completed {@code managedPerSecond}. */
    public double next(double tried, double managedPerSecond) {
        double stepped = tried * stepDown;
        return managedPerSecond > 0 ? Math.min(stepped, managedPerSecond * BELOW_MANAGED) : stepped;
    }

    /** The rate to try after {@code held} held: the inverse of the plain step down. */
    public double up(double held) {
        return held / stepDown;
    }

    /**
     * The rate to try after {@code held} held with its backlog at most {@code peakShareOfBound} of the bound: two
     * plain steps up when the backlog stayed under a third of the bound (far from overload: a verification window
     * costs 30 s, and a search that climbed one step per window reported REST at the third rate it tried, its
     * backlog a fifth of the bound), one otherwise.
     */
    public double up(double held, double peakShareOfBound) {
        return peakShareOfBound < FAR_FROM_BOUND ? held / (stepDown * stepDown) : up(held);
    }

    /**
     * The rate to try between a rate that held and a higher one that did not (their geometric mean), or none when
     * they are within a twentieth of each other: a run that fails stops within seconds once its backlog passes the
     * bound, so the budget usually has room for it.
     */
    public OptionalDouble between(double held, double failed) {
        if (!(failed > held * CLOSE_ENOUGH)) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Math.sqrt(held * failed));
    }

    /**
     * The size of the next capacity probe: enough items to keep a system that drains {@code drainedPerSecond} busy
     * for {@code seconds}, within {@code [min, max]}.
     */
    public static int probeSize(double drainedPerSecond, double seconds, int min, int max) {
        long size = Math.round(drainedPerSecond * seconds);
        return (int) Math.max(min, Math.min(max, size));
    }
}
