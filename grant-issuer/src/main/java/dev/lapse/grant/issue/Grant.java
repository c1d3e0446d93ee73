package dev.lapse.grant.issue;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** A grant: which request it serves, when it took effect and when it ends. */
public record Grant(GrantId grantId, String requestId, Instant grantedAt, Instant expiresAt) {

    public Grant {
        Objects.requireNonNull(grantId, "grantId");
        Objects.requireNonNull(requestId, "requestId");
        if (!expiresAt.isAfter(grantedAt)) {
            throw new IllegalArgumentException("a grant must expire after it is granted: " + grantedAt + " → "
                    + expiresAt);
        }
    }

    /**
     * Issues the grant of an approved request at {@code now}: its time is counted from the grant, not from the
     * request, so time spent waiting for approval is not taken from the requester.
     */
    public static Grant issue(String requestId, Duration approvedDuration, Instant now) {
        if (approvedDuration.isNegative() || approvedDuration.isZero()) {
            throw new IllegalArgumentException("approved duration must be positive, got " + approvedDuration);
        }
        return new Grant(GrantId.of(requestId), requestId, now, now.plus(approvedDuration));
    }
}
