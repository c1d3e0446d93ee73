package dev.lapse.grant.target;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A grant as a target provisions it: who gets exactly which actions on which columns (and rows) of one table,
 * until when.
 *
 * @param grantId the grant's id, derived from the request id; the target's objects are named after it
 * @param requestId the request the grant serves
 * @param requesterId Lapse's id of the requester (for example {@code alice@example.com}); the target maps it to
 *     its own principal
 * @param target name of the configured target (the request's resource kind)
 * @param resource the resource within the target, for example {@code crm.public.customers}
 * @param actions the approved actions, for example {@code SELECT}
 * @param columns the approved columns; never empty for a column-scoped action
 * @param rowFilter the approved row filter in its string form, or null for every row
 */
public record GrantSpec(String grantId, String requestId, String requesterId, String target, String resource,
        List<String> actions, List<String> columns, @Nullable String rowFilter, Instant grantedAt,
        Instant expiresAt) {

    public GrantSpec {
        Objects.requireNonNull(grantId, "grantId");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(requesterId, "requesterId");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(resource, "resource");
        actions = List.copyOf(actions);
        columns = List.copyOf(columns);
        Objects.requireNonNull(grantedAt, "grantedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
