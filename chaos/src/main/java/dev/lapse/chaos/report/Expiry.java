package dev.lapse.chaos.report;

/**
 * One {@code AccessExpired} as read from its topic.
 *
 * @param expiresAtMs   when the grant was due to end
 * @param occurredAtMs  when the revoker announced the end (the event's {@code occurredAt})
 * @param timeElapsed   true for reason TIME_ELAPSED, false for REVOKED (or anything else)
 */
public record Expiry(long expiresAtMs, long occurredAtMs, boolean timeElapsed) {

    /** How late the end was announced. */
    public long lagMs() {
        return occurredAtMs - expiresAtMs;
    }
}
