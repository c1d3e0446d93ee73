package dev.lapse.revoker.expiry;

import dev.lapse.revoker.wheel.Expiry;
import dev.lapse.revoker.wheel.TimingWheel;
import dev.lapse.schemas.GrantIds;
import java.time.Instant;
import java.util.ArrayList;
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
 *
 * <p><b>Memory.</b> A watched grant costs one entry of the {@link TimingWheel} (52 to 82 bytes when its request id
 * is a UUID, as Lapse's are) and nothing else; an {@link ActiveGrant} is rebuilt only when the grant ends:
 * <ul>
 *   <li>the grant id is not stored: it is derived from the request id ({@link GrantIds}), as the grant issuer
 *       derived it. A grant that arrives with any other id (another issuer, a test) keeps it in a side map, so it is
 *       never lost, only more expensive;</li>
 *   <li>the requester is a number in a counted dictionary of requesters ({@link Requesters}), 4 bytes per grant,
 *       because people and agents are far fewer than grants. Reading it back from the durable state when the grant
 *       ends was the other way: Kafka's compacted topic has no lookup by key, so that would need a local store
 *       (RocksDB, say) that costs more per grant than the dictionary, and a read on the expiry path;</li>
 *   <li>the expiry is a long in the wheel's entry.</li>
 * </ul>
 * Held revocations are rare (a revocation that overtook its grant) and stay in a plain map.
 */
public final class ExpirySchedule {

    private final TimingWheel wheel;
    private final Requesters requesters = new Requesters();
    /** Grant ids that are not the ones derived from their request ids; empty when every grant came from Lapse. */
    private final Map<String, String> foreignGrantIds = new HashMap<>();
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
        this.wheel = new TimingWheel(options.tickMs(), options.wheelSize(), startMs);
    }

    /**
     * A grant was issued: watch it until it ends. A grant already watched keeps its expiry (one request, one
     * grant: a replayed or forged second grant must never extend it); a grant whose revocation is held ends now.
     */
    public Effect watch(ActiveGrant grant) {
        String cause = heldRevocations.isEmpty() ? null : heldRevocations.remove(grant.requestId());
        if (cause != null) {
            return new Effect.Ended(new Ending(grant, Ending.Reason.REVOKED, cause));
        }
        Optional<Expiry> watched = wheel.get(grant.requestId());
        if (watched.isPresent()) {
            return new Effect.Ignored(grant.requestId(),
                    "already watched, ending at " + Instant.ofEpochMilli(watched.get().expiresAtMs()));
        }
        add(grant);
        return new Effect.Watching(grant);
    }

    /**
     * Someone asked to end a grant now. Ends it if it is watched; otherwise holds the revocation so that the grant
     * ends the moment it arrives.
     */
    public Effect revoke(String requestId, String cause) {
        Optional<Expiry> removed = wheel.remove(requestId);
        if (removed.isPresent()) {
            return new Effect.Ended(new Ending(release(removed.get()), Ending.Reason.REVOKED, cause));
        }
        if (heldRevocations.containsKey(requestId)) {
            return new Effect.Ignored(requestId, "a revocation is already held");
        }
        heldRevocations.put(requestId, cause);
        return new Effect.RevocationHeld(requestId, cause);
    }

    /** Restores a watched grant read back from durable state; replaces whatever the request had. */
    public void restoreGrant(ActiveGrant grant) {
        if (!heldRevocations.isEmpty()) {
            heldRevocations.remove(grant.requestId());
        }
        // One lookup: a restore reads every grant back, and almost none replaces another.
        add(grant).ifPresent(replaced -> requesters.release(replaced.tag()));
    }

    /** Restores a held revocation read back from durable state; replaces whatever the request had. */
    public void restoreHeldRevocation(String requestId, String cause) {
        wheel.remove(requestId).ifPresent(this::release);
        heldRevocations.put(requestId, cause);
    }

    /** Forgets one request (its durable state was deleted). */
    public void forget(String requestId) {
        wheel.remove(requestId).ifPresent(this::release);
        if (!heldRevocations.isEmpty()) {
            heldRevocations.remove(requestId);
        }
    }

    /**
     * Forgets every request that matches, for example those of a partition given up; returns how many grants and
     * held revocations were dropped. O(n): for rebalances, not for the data path.
     */
    public int forget(Predicate<String> requestIds) {
        List<Expiry> grants = wheel.removeIf(requestIds);
        grants.forEach(this::release);
        int held = heldRevocations.size();
        heldRevocations.keySet().removeIf(requestIds);
        return grants.size() + held - heldRevocations.size();
    }

    /** Moves time to {@code nowMs} and returns every grant whose expiry has been reached, earliest first. */
    public List<Ending> advanceTo(long nowMs) {
        // A wall clock can step back (NTP); the wheel's time never does, so a step back just waits.
        List<Expiry> due = wheel.advanceTo(Math.max(nowMs, wheel.currentTimeMs()));
        if (due.isEmpty()) {
            return List.of();
        }
        List<Ending> endings = new ArrayList<>(due.size());
        for (Expiry expiry : due) {
            endings.add(new Ending(release(expiry), Ending.Reason.TIME_ELAPSED, "expiry time reached"));
        }
        return endings;
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

    /** How many distinct requesters the watched grants have; for tests and diagnostics. */
    int requesters() {
        return requesters.size();
    }

    /** How many watched grants carry an id that is not derived from their request; for tests and diagnostics. */
    int foreignGrantIds() {
        return foreignGrantIds.size();
    }

    /** Schedules the grant, replacing what its request had; returns the entry it replaced, if any. */
    private Optional<Expiry> add(ActiveGrant grant) {
        String requestId = grant.requestId();
        if (!GrantIds.isDerived(grant.grantId(), requestId)) {
            foreignGrantIds.put(requestId, grant.grantId());
        } else if (!foreignGrantIds.isEmpty()) {
            foreignGrantIds.remove(requestId);
        }
        return wheel.add(requestId, grant.expiresAt().toEpochMilli(), requesters.acquire(grant.requesterId()));
    }

    /** The grant an entry stood for, rebuilt; its requester and any foreign grant id are let go. */
    private ActiveGrant release(Expiry expiry) {
        String requestId = expiry.key();
        String requesterId = requesters.name(expiry.tag());
        requesters.release(expiry.tag());
        String foreign = foreignGrantIds.isEmpty() ? null : foreignGrantIds.remove(requestId);
        String grantId = foreign != null ? foreign : GrantIds.of(requestId);
        return new ActiveGrant(requestId, grantId, requesterId, Instant.ofEpochMilli(expiry.expiresAtMs()));
    }
}
