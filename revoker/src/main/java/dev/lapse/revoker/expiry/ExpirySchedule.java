package dev.lapse.revoker.expiry;

import dev.lapse.revoker.wheel.Expiry;
import dev.lapse.revoker.wheel.TimingWheel;
import java.util.List;
import java.util.Optional;

/**
 * Every active grant, keyed by request, in a hierarchical timing wheel: scheduling and revoking are O(1), and
 * {@link #advanceTo} returns exactly the grants whose expiry instant has been reached. An expiry already past when
 * it is scheduled (after a restart, say) ends at the next advance. Not thread-safe: one owner thread.
 */
public final class ExpirySchedule {

    private final TimingWheel<ActiveGrant> wheel;

    /** Settings of the wheel: its resolution and how many buckets each level has. */
    public record Options(long tickMs, int wheelSize) {
        public Options {
            if (tickMs < 1 || tickMs > 1000) {
                throw new IllegalArgumentException("tickMs must be 1..1000, got " + tickMs);
            }
            if (wheelSize < 2) {
                throw new IllegalArgumentException("wheelSize must be at least 2, got " + wheelSize);
            }
        }
    }

    public ExpirySchedule(Options options, long startMs) {
        this.wheel = new TimingWheel<>(options.tickMs(), options.wheelSize(), startMs);
    }

    /** Watches a grant; scheduling the same request again replaces its expiry. */
    public void schedule(ActiveGrant grant) {
        wheel.add(grant.requestId(), grant.expiresAt().toEpochMilli(), grant);
    }

    /** Ends a grant now, if it is still active; a revocation for an unknown or ended grant is a no-op. */
    public Optional<Ending> revoke(String requestId, String cause) {
        Optional<ActiveGrant> grant = wheel.get(requestId);
        grant.ifPresent(active -> wheel.cancel(requestId));
        return grant.map(active -> new Ending(active, Ending.Reason.REVOKED, cause));
    }

    /** Moves time to {@code nowMs} and returns every grant whose expiry has been reached, earliest first. */
    public List<Ending> advanceTo(long nowMs) {
        return wheel.advanceTo(nowMs).stream()
                .map(Expiry::payload)
                .map(grant -> new Ending(grant, Ending.Reason.TIME_ELAPSED, "expiry time reached"))
                .toList();
    }

    /** How many grants are active. */
    public int size() {
        return wheel.size();
    }
}
