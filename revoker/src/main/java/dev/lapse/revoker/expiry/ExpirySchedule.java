package dev.lapse.revoker.expiry;

import dev.lapse.revoker.wheel.Expiry;
import dev.lapse.revoker.wheel.TimingWheel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * Every active grant, keyed by request, in a hierarchical timing wheel: watching and revoking are O(1), and
 * {@link #advanceTo} returns exactly the grants whose expiry instant has been reached. An expiry already past when
 * it is watched or restored (after a restart, say) ends at the next advance.
 *
 * <p>This is a cache of durable state, not the state itself: the edge writes every {@link Effect} to a compacted
 * topic in the transaction that consumed its cause, {@link #restoreGrant restores} from that topic after a restart
 * or a rebalance, and {@link #forget forgets} what it no longer owns. Not thread-safe: one owner thread.
 */
public final class ExpirySchedule {

    private final TimingWheel<ActiveGrant> wheel;
    /**
     * Revocations that arrived before their grant. Grants and revocations travel on different topics, so a
     * revocation can overtake the grant it ends; the grant must then end the moment it arrives, not run its course.
     */
    private final Map<String, String> heldRevocations = new HashMap<>();

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
     * A grant was issued: watch it until it ends. A grant already watched keeps its expiry (one request, one
     * grant: a replayed or forged second grant must never extend it); a grant whose revocation is held ends now.
     */
    public Effect watch(ActiveGrant grant) {
        String cause = heldRevocations.remove(grant.requestId());
        if (cause != null) {
            return new Effect.Ended(new Ending(grant, Ending.Reason.REVOKED, cause));
        }
        Optional<ActiveGrant> watched = wheel.get(grant.requestId());
        if (watched.isPresent()) {
            return new Effect.Ignored(grant.requestId(), "already watched, ending at " + watched.get().expiresAt());
        }
        wheel.add(grant.requestId(), grant.expiresAt().toEpochMilli(), grant);
        return new Effect.Watching(grant);
    }

    /**
     * Someone asked to end a grant now. Ends it if it is watched; otherwise holds the revocation so that the grant
     * ends the moment it arrives.
     */
    public Effect revoke(String requestId, String cause) {
        Optional<ActiveGrant> grant = wheel.get(requestId);
        if (grant.isPresent()) {
            wheel.cancel(requestId);
            return new Effect.Ended(new Ending(grant.get(), Ending.Reason.REVOKED, cause));
        }
        if (heldRevocations.containsKey(requestId)) {
            return new Effect.Ignored(requestId, "a revocation is already held");
        }
        heldRevocations.put(requestId, cause);
        return new Effect.RevocationHeld(requestId, cause);
    }

    /** Restores a watched grant read back from durable state; replaces whatever the request had. */
    public void restoreGrant(ActiveGrant grant) {
        heldRevocations.remove(grant.requestId());
        wheel.add(grant.requestId(), grant.expiresAt().toEpochMilli(), grant);
    }

    /** Restores a held revocation read back from durable state; replaces whatever the request had. */
    public void restoreHeldRevocation(String requestId, String cause) {
        wheel.cancel(requestId);
        heldRevocations.put(requestId, cause);
    }

    /** Forgets one request (its durable state was deleted). */
    public void forget(String requestId) {
        wheel.cancel(requestId);
        heldRevocations.remove(requestId);
    }

    /**
     * Forgets every request that matches, for example those of a partition given up; returns how many grants and
     * held revocations were dropped. O(n): for rebalances, not for the data path.
     */
    public int forget(Predicate<String> requestIds) {
        int grants = wheel.cancelIf(requestIds);
        int held = heldRevocations.size();
        heldRevocations.keySet().removeIf(requestIds);
        return grants + held - heldRevocations.size();
    }

    /** Moves time to {@code nowMs} and returns every grant whose expiry has been reached, earliest first. */
    public List<Ending> advanceTo(long nowMs) {
        // A wall clock can step back (NTP); the wheel's time never does, so a step back just waits.
        return wheel.advanceTo(Math.max(nowMs, wheel.currentTimeMs())).stream()
                .map(Expiry::payload)
                .map(grant -> new Ending(grant, Ending.Reason.TIME_ELAPSED, "expiry time reached"))
                .toList();
    }

    /**
     * A time no later than the next expiry, or empty when nothing is watched: the owner thread may wait until then
     * without missing one (see {@link TimingWheel#nextExpiryBucketMs()}).
     */
    public OptionalLong nextWakeUpMs() {
        return wheel.nextExpiryBucketMs();
    }

    /** How many grants are watched. */
    public int size() {
        return wheel.size();
    }

    /** How many revocations are held for grants not seen yet. */
    public int heldRevocations() {
        return heldRevocations.size();
    }
}
