package dev.lapse.bench.load;

/** The backlog of a run at one moment: items due by then that were neither done nor failed. */
public record BacklogSample(long elapsedMs, long backlog) {
}
