package dev.lapse.request.identity;

import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The authenticated person or system behind a REST call: the user id and groups taken from its verified token,
 * never from the body of the call.
 */
public record Caller(String id, SortedSet<String> groups) {

    public Caller {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("a caller needs an id");
        }
        groups = Collections.unmodifiableSortedSet(new TreeSet<>(groups));
    }

    /** A caller with the given groups. */
    public static Caller of(String id, Set<String> groups) {
        return new Caller(id, new TreeSet<>(groups));
    }

    /** Whether the caller is a member of any of {@code candidates}. */
    public boolean inAnyOf(Set<String> candidates) {
        return groups.stream().anyMatch(candidates::contains);
    }
}
