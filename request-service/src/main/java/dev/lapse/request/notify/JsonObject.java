package dev.lapse.request.notify;

import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Writes one JSON object (RFC 8259) member by member, in the order given; a null value leaves its member out. The
 * body of a notification is small and fixed in shape, so a writer of a few lines beats a JSON library in the domain.
 */
final class JsonObject {

    private final StringBuilder text = new StringBuilder("{");

    JsonObject string(String name, @Nullable String value) {
        return raw(name, value == null ? null : quote(value));
    }

    JsonObject number(String name, long value) {
        return raw(name, Long.toString(value));
    }

    JsonObject bool(String name, @Nullable Boolean value) {
        return raw(name, value == null ? null : value.toString());
    }

    JsonObject strings(String name, @Nullable List<String> values) {
        return values == null ? this : raw(name, array(values, JsonObject::quote));
    }

    /** A member whose value is already JSON text (a nested object or array). */
    JsonObject raw(String name, @Nullable String json) {
        if (json != null) {
            if (text.length() > 1) {
                text.append(',');
            }
            text.append(quote(name)).append(':').append(json);
        }
        return this;
    }

    String close() {
        return text + "}";
    }

    static <T> String array(List<T> values, Function<T, String> toJson) {
        StringBuilder out = new StringBuilder("[");
        for (T value : values) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(toJson.apply(value));
        }
        return out.append(']').toString();
    }

    static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
