package dev.lapse.grant.target;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A grant as found in a target, read back from the target itself: what reconciliation compares with the active
 * grants, and what the overdue gauge counts.
 *
 * @param grantId the grant whose objects were found
 * @param requestId the request it served, or null when the target's objects do not say (a stray object)
 * @param expiresAt when it ends, or null when the target's objects do not say
 */
public record PresentGrant(String grantId, @Nullable String requestId, @Nullable Instant grantedAt,
        @Nullable Instant expiresAt) {

    public PresentGrant {
        Objects.requireNonNull(grantId, "grantId");
    }
}
