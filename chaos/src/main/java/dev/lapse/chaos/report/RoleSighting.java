package dev.lapse.chaos.report;

/**
 * When the watcher saw one grant role ({@code lapse_g_<grantId>}) in the target database.
 *
 * @param firstSeenMs the first poll that found it present, epoch ms
 * @param lastSeenMs  the last poll that found it present, epoch ms
 */
public record RoleSighting(String grantId, long firstSeenMs, long lastSeenMs) {
}
