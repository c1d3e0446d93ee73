package dev.lapse.policy.rules;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the rules look at: who asks for which actions on which columns of one resource, why, and for how long.
 * {@code breakGlass} is the requester invoking emergency access (self-approval with a mandatory reason).
 */
public record PolicyRequest(
        String id,
        Requester requester,
        String resourceKind,
        String resourceName,
        List<String> actions,
        List<String> columns,
        String reason,
        @Nullable String ticket,
        Duration duration,
        boolean breakGlass) {

    public PolicyRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(resourceKind, "resourceKind");
        Objects.requireNonNull(resourceName, "resourceName");
        actions = actions.stream().map(action -> action.toUpperCase(Locale.ROOT)).distinct().toList();
        columns = columns.stream().distinct().toList();
        Objects.requireNonNull(reason, "reason");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("a request needs a positive duration, got " + duration);
        }
    }
}
