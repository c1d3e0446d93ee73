package dev.lapse.chaos.report;

/**
 * A part that was down: from the moment it was killed (or asked to stop) until it was back.
 *
 * @param part      a service name, or {@code kafka} for the broker
 * @param fromMs    when it was killed
 * @param backMs    when it was back: for the revoker, when it had restored its grants (its metric
 *                  {@code lapse_revoker_restore_completed_epoch_ms}) or, without that metric, when its health first
 *                  answered UP; for the others, when health answered UP (the broker: when it had started)
 * @param backBy    how {@code backMs} was measured, in a few words
 */
public record Outage(String part, long fromMs, long backMs, String backBy) {

    public long downMs() {
        return backMs - fromMs;
    }
}
