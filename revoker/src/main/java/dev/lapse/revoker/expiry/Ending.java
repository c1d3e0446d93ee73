package dev.lapse.revoker.expiry;

import java.util.Objects;

/** A grant that has ended, and why: its time elapsed, or someone revoked it. */
public record Ending(ActiveGrant grant, Reason reason, String cause) {

    /** Why a grant ended. */
    public enum Reason { TIME_ELAPSED, REVOKED }

    public Ending {
        Objects.requireNonNull(grant, "grant");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(cause, "cause");
    }
}
