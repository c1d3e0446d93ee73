package dev.lapse.policy.rules;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A requestable role: a named set of scopes requested by name and decided as one, which only members of
 * {@code requestableBy} may request, for at most {@code maxDuration}.
 */
public record Bundle(String name, String description, List<String> requestableBy, @Nullable Duration maxDuration,
        List<Scope> scopes) {

    public Bundle {
        requestableBy = List.copyOf(requestableBy);
        scopes = List.copyOf(scopes);
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("bundle " + name + " has no scopes");
        }
    }

    /** One resource of a bundle, with the actions and the columns it gives. */
    public record Scope(String resourceKind, String resourceName, List<String> actions, List<String> columns) {
        public Scope {
            actions = actions.stream().map(action -> action.toUpperCase(Locale.ROOT)).toList();
            columns = List.copyOf(columns);
        }

        @Override
        public String toString() {
            return String.join(", ", actions) + " on " + resourceKind + " " + resourceName
                    + (columns.isEmpty() ? "" : "(" + String.join(", ", columns) + ")");
        }
    }
}
