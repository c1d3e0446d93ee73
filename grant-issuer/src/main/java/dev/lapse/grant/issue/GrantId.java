package dev.lapse.grant.issue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The id of the one grant an approved request can yield, derived from the request id: a redelivered approval
 * can never make a second grant. 32 lower-case hex characters, so it also fits a PostgreSQL role name
 * ({@code lapse_g_<id>} is 40 characters, under the 63-character limit).
 */
public record GrantId(String value) {

    public GrantId {
        if (!value.matches("[0-9a-f]{32}")) {
            throw new IllegalArgumentException("a grant id is 32 lower-case hex characters, got '" + value + "'");
        }
    }

    /** The grant id of a request. */
    public static GrantId of(String requestId) {
        Objects.requireNonNull(requestId, "requestId");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("lapse/grant/" + requestId).getBytes(StandardCharsets.UTF_8));
            return new GrantId(HexFormat.of().formatHex(digest, 0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
