package dev.lapse.request.timeline;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Keeps one instance of each equal value the read model holds many times (who acted, what was asked for, on which
 * resource), so a hundred thousand timelines share them instead of each keeping its own copies: every value a
 * timeline keeps survives several young collections before it is promoted, and copying those copies was most of
 * what G1's pauses did. Bounded: when full it starts again empty, which costs sharing for a while, never
 * correctness. Not thread-safe; {@link TimelineBook} guards it.
 */
final class Interner {

    private final int capacity;
    private final Map<Object, Object> values;

    Interner(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.values = new HashMap<>();
    }

    /** The instance kept for values equal to {@code value}, which becomes it when there is none. */
    @SuppressWarnings("unchecked")
    <T> @Nullable T intern(@Nullable T value) {
        if (value == null) {
            return null;
        }
        Object kept = values.get(value);
        if (kept != null) {
            return (T) kept;
        }
        if (values.size() >= capacity) {
            values.clear();
        }
        values.put(value, value);
        return value;
    }

    /** An unmodifiable list equal to {@code list}, its elements and itself interned. */
    List<String> internAll(List<String> list) {
        return intern(List.copyOf(list.stream().map(this::intern).toList()));
    }

    int size() {
        return values.size();
    }
}
