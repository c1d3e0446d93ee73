package dev.lapse.revoker.expiry;

import java.util.Objects;

/** What consuming one grant or revocation did to the schedule, so the edge knows what to write. */
public sealed interface Effect {

    /** The request the effect is about. */
    String requestId();

    /** A new grant is watched until it ends. */
    record Watching(ActiveGrant grant) implements Effect {
        public Watching {
            Objects.requireNonNull(grant, "grant");
        }

        @Override
        public String requestId() {
            return grant.requestId();
        }
    }

    /** A grant ended now: it was revoked, or it arrived with a revocation already held for it. */
    record Ended(Ending ending) implements Effect {
        public Ended {
            Objects.requireNonNull(ending, "ending");
        }

        @Override
        public String requestId() {
            return ending.grant().requestId();
        }
    }

    /** A revocation arrived before its grant: it is held, and the grant ends the moment it arrives. */
    record RevocationHeld(String requestId, String cause) implements Effect {
        public RevocationHeld {
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(cause, "cause");
        }
    }

    /** Nothing changed, and why: a grant already watched never changes its expiry; a revocation already held. */
    record Ignored(String requestId, String why) implements Effect {
        public Ignored {
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(why, "why");
        }
    }
}
