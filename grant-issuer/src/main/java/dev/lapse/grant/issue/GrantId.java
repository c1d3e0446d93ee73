package dev.lapse.grant.issue;

import dev.lapse.schemas.GrantIds;

/**
 * The id of the one grant an approved request can yield, derived from the request id: a redelivered approval
 * can never make a second grant. 32 lower-case hex characters, so it also fits a PostgreSQL role name
 * ({@code lapse_g_<id>} is 40 characters, under the 63-character limit).
 */
public record GrantId(String value) {

    public GrantId {
        // Not String.matches: every grant checks one, and matches compiles its pattern on each call.
        if (!GrantIds.isWellFormed(value)) {
            throw new IllegalArgumentException("a grant id is 32 lower-case hex characters, got '" + value + "'");
        }
    }

    /** The grant id of a request (see {@link GrantIds}, which the revoker derives it back with). */
    public static GrantId of(String requestId) {
        return new GrantId(GrantIds.of(requestId));
    }

    @Override
    public String toString() {
        return value;
    }
}
