package dev.lapse.chaos.report;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the watcher of the PostgreSQL target saw during a run, or why there was no target to watch.
 *
 * @param skipped        why the run had no PostgreSQL target (its rows then say so), or null when it had one
 * @param sightings      every grant role of the run's database that a poll found, by grant id
 * @param leftAfterQuiet the grant ids whose roles were still present once the run had been quiet
 * @param polls          how many polls succeeded
 * @param longestGapMs   the longest time between two polls that succeeded (a sighting is that precise)
 */
public record TargetWatch(@Nullable String skipped, Map<String, RoleSighting> sightings, List<String> leftAfterQuiet,
        long polls, long longestGapMs) {

    public TargetWatch {
        sightings = Map.copyOf(sightings);
        leftAfterQuiet = List.copyOf(leftAfterQuiet);
    }

    /** A run without a PostgreSQL target, and why. */
    public static TargetWatch skipped(String reason) {
        return new TargetWatch(reason, Map.of(), List.of(), 0, 0);
    }
}
