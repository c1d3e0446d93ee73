package dev.lapse.policy.rules;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A request for a bundle by its name; the bundle's scopes say what access it means. */
public record BundleRequest(String id, Requester requester, String bundle, String reason, @Nullable String ticket,
        Duration duration, boolean breakGlass) {

    public BundleRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(bundle, "bundle");
        Objects.requireNonNull(reason, "reason");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("a request needs a positive duration, got " + duration);
        }
    }
}
