package dev.lapse.chaos.report;

import java.util.List;

/**
 * Every lifecycle event of one request id that the topics hold, counted by type.
 *
 * @param grantExpiresAtMs the {@code expiresAt} of each {@code AccessGranted}, in the order read
 * @param expiries         each {@code AccessExpired}, in the order read
 * @param grantGrantedAtMs the {@code grantedAt} of each {@code AccessGranted}, in the same order; empty when unknown
 */
public record Lifecycle(String requestId, int requested, int approved, int denied, int rejected, int granted,
        List<Long> grantExpiresAtMs, List<Expiry> expiries, int withdrawn, List<Long> grantGrantedAtMs) {

    public Lifecycle {
        grantExpiresAtMs = List.copyOf(grantExpiresAtMs);
        expiries = List.copyOf(expiries);
        grantGrantedAtMs = List.copyOf(grantGrantedAtMs);
    }

    /** A lifecycle whose grants' issue times are not known: each counts as issued long before any outage. */
    public Lifecycle(String requestId, int requested, int approved, int denied, int rejected, int granted,
            List<Long> grantExpiresAtMs, List<Expiry> expiries, int withdrawn) {
        this(requestId, requested, approved, denied, rejected, granted, grantExpiresAtMs, expiries, withdrawn,
                List.of());
    }

    /** When the grant at {@code index} was issued, or {@link Long#MIN_VALUE} when that is not known. */
    public long grantedAtMs(int index) {
        return index < grantGrantedAtMs.size() ? grantGrantedAtMs.get(index) : Long.MIN_VALUE;
    }

    /** A request id that no event names yet. */
    public static Lifecycle none(String requestId) {
        return new Lifecycle(requestId, 0, 0, 0, 0, 0, List.of(), List.of(), 0);
    }

    /**
     * Whether the request reached a final state and holds no grant: every grant it got was withdrawn, or it was
     * denied or rejected without ever being granted.
     */
    public boolean settled() {
        if (granted > 0) {
            return withdrawn >= granted;
        }
        return withdrawn > 0 || denied > 0 || rejected > 0;
    }

    /** The final state it reached, for the table: WITHDRAWN before DENIED before REJECTED; NONE when none. */
    public FinalState finalState() {
        if (withdrawn > 0) {
            return FinalState.WITHDRAWN;
        }
        if (denied > 0) {
            return FinalState.DENIED;
        }
        if (rejected > 0) {
            return FinalState.REJECTED;
        }
        return FinalState.NONE;
    }

    /** The final states of a request's life. */
    public enum FinalState {
        WITHDRAWN, DENIED, REJECTED, NONE
    }
}
