package dev.lapse.revoker.expiry;

import java.time.Instant;
import java.util.Objects;

/** A grant the revoker watches: who holds it and the absolute instant it ends. */
public record ActiveGrant(String requestId, String grantId, String requesterId, Instant expiresAt) {

    public ActiveGrant {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(grantId, "grantId");
        Objects.requireNonNull(requesterId, "requesterId");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
