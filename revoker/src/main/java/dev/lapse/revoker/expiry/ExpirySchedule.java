package dev.lapse.revoker.expiry;

import dev.lapse.revoker.wheel.Expiry;
import dev.lapse.revoker.wheel.TimingWheel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every active grant, keyed by request, in a hierarchical timing wheel: scheduling and revoking are O(1), and
 * {@link #advanceTo} returns exactly the grants whose expiry instant has been reached. An expiry already past when
 * it is scheduled (after a restart, say) ends at the next advance. Not thread-safe: one owner thread.
 */
public final class ExpirySchedule {

    private final TimingWheel<ActiveGrant> wheel;
    /**
     * Revocations that arrived before their grant. Grants and revocations travel on different topics, so a
     * revocation can overtake the grant it ends; the grant must then end the moment it arrives, not run its course.
     */
    private final Map<String, String> revokedBeforeGranted = new HashMap<>();

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

    /**
     * Watches a grant; scheduling the same request again replaces its expiry. Returns the grant's ending at once
     * when it was revoked before it arrived.
     */
    public Optional<Ending> schedule(ActiveGrant grant) {
        String cause = revokedBeforeGranted.remove(grant.requestId());
        if (cause != null) {
            wheel.cancel(grant.requestId());
            return Optional.of(new Ending(grant, Ending.Reason.REVOKED, cause));
        }
        wheel.add(grant.requestId(), grant.expiresAt().toEpochMilli(), grant);
        return Optional.empty();
    }

    /**
     * Ends a grant now if it is active; if it is not known yet, remembers the revocation so that the grant ends
     * the moment it arrives.
     */
    public Optional<Ending> revoke(String requestId, String cause) {
        Optional<ActiveGrant> grant = wheel.get(requestId);
        if (grant.isEmpty()) {
            revokedBeforeGranted.put(requestId, cause);
            return Optional.empty();
        }
        wheel.cancel(requestId);
        return grant.map(active -> new Ending(active, Ending.Reason.REVOKED, cause));
    }

    /** Moves time to {@code nowMs} and returns every grant whose expiry has been reached, earliest first. */
    public List<Ending> advanceTo(long nowMs) {
        // A wall clock can step back (NTP); the wheel's time never does, so a step back just waits.
        return wheel.advanceTo(Math.max(nowMs, wheel.currentTimeMs())).stream()
                .map(Expiry::payload)
                .map(grant -> new Ending(grant, Ending.Reason.TIME_ELAPSED, "expiry time reached"))
                .toList();
    }

    /** How many grants are active. */
    public int size() {
        return wheel.size();
    }
}
