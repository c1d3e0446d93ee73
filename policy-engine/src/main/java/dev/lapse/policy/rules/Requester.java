package dev.lapse.policy.rules;

import java.util.List;
import java.util.Objects;

/** Who asks: an identity and the groups it belongs to, as the identity provider tells. */
public record Requester(String id, List<String> groups) {

    public Requester {
        Objects.requireNonNull(id, "id");
        groups = List.copyOf(groups);
    }
}
