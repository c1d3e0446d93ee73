package dev.lapse.audit.chain;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Writes JSON in the canonical form of RFC 8785 (JCS), so that equal content always gives equal bytes: that is what
 * makes a hash over an entry reproducible by anyone who replays the same records.
 *
 * <p>The rules: object members sorted by name comparing UTF-16 code units (as {@link String#compareTo} does, so
 * U+1F600 sorts before U+FB33); no whitespace; in strings only {@code "} and {@code \} are escaped with a backslash,
 * controls below U+0020 as {@code \b \f \n \r \t} or else as lowercase {@code &#92;u00xx}, everything else as itself,
 * and the whole text encoded as UTF-8. Duplicate member names and unpaired surrogates are rejected, as JCS requires.
 * Numbers must be integers without fraction or exponent: events carry no others, and Java 17 has no shortest
 * round-trip formatting of doubles to match JCS with. Integers keep their exact digits, which is what JCS writes for
 * magnitudes below 2^53; beyond that JCS would round them through a double, which an audit log must not do.
 *
 * <p>An {@link AuditEntry} is one flat object: its fields under their record component names, {@code key} as
 * {@code null} when the record has none, and the payload as a nested object. For example (on one line):
 * <pre>{@code
 * {"eventId":"e1","eventType":"AccessGranted","key":"r1","occurredAtMs":1000,"offset":0,"partition":3,
 *  "payload":{"eventId":"e1","requestId":"r1"},"requestId":"r1","timestampMs":1001,"topic":"lapse.access.granted"}
 * }</pre>
 */
public final class CanonicalJson {

    private static final Set<String> ENTRY_MEMBERS = new TreeSet<>(List.of("eventId", "eventType", "key",
            "occurredAtMs", "offset", "partition", "payload", "requestId", "timestampMs", "topic"));

    private CanonicalJson() {}

    /**
     * Parses JSON text (RFC 8259, integers only) into sorted unmodifiable {@code Map}s, unmodifiable {@code List}s,
     * {@code String}s, {@code BigInteger}s, {@code Boolean}s and nulls.
     *
     * @throws IllegalArgumentException if the text is not JSON, or not JSON this class can write canonically
     */
    public static @Nullable Object parse(String json) {
        return new JsonParser(json).parseDocument();
    }

    /** The canonical form of JSON text. */
    public static String canonicalize(String json) {
        return write(parse(json));
    }

    /**
     * Writes a value canonically: null, {@code Boolean}, {@code String}, {@code Integer}, {@code Long},
     * {@code BigInteger}, {@code Map} with {@code String} keys and {@code List}, nested freely.
     */
    public static String write(@Nullable Object value) {
        StringBuilder out = new StringBuilder();
        writeValue(out, value);
        return out.toString();
    }

    /** The canonical JSON of an entry, the text its chain link hashes. */
    public static String entry(AuditEntry entry) {
        Map<String, @Nullable Object> members = new TreeMap<>();
        members.put("topic", entry.topic());
        members.put("partition", entry.partition());
        members.put("offset", entry.offset());
        members.put("timestampMs", entry.timestampMs());
        members.put("key", entry.key());
        members.put("eventType", entry.eventType());
        members.put("eventId", entry.eventId());
        members.put("requestId", entry.requestId());
        members.put("occurredAtMs", entry.occurredAtMs());
        members.put("payload", new Canonical(entry.payloadJson()));
        return write(members);
    }

    /**
     * The entry an object {@link #parse parsed} from {@link #entry}'s output describes. Strict: every member must be
     * present and no other, since a member nobody hashes would be one nobody can vouch for.
     */
    public static AuditEntry toEntry(Map<?, ?> members) {
        if (!members.keySet().equals(ENTRY_MEMBERS)) {
            throw new IllegalArgumentException(
                    "an entry has exactly the members " + ENTRY_MEMBERS + ", found " + members.keySet());
        }
        if (!(members.get("payload") instanceof Map<?, ?> payload)) {
            throw new IllegalArgumentException("payload must be a JSON object, found " + members.get("payload"));
        }
        long partition = integer(members, "partition");
        if (partition != (int) partition) {
            throw new IllegalArgumentException("partition out of range: " + partition);
        }
        return new AuditEntry(text(members, "topic"), (int) partition, integer(members, "offset"),
                integer(members, "timestampMs"), members.get("key") == null ? null : text(members, "key"),
                text(members, "eventType"), text(members, "eventId"), text(members, "requestId"),
                integer(members, "occurredAtMs"), write(payload));
    }

    /** The canonical form of a JSON object's text; named in the message when it is not one. */
    static String canonicalObject(String name, String json) {
        try {
            if (parse(json) instanceof Map<?, ?> object) {
                return write(object);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not valid JSON: " + e.getMessage(), e);
        }
        String start = json.length() > 60 ? json.substring(0, 60) + "..." : json;
        throw new IllegalArgumentException(name + " must be a JSON object, found: " + start);
    }

    /** Rejects a string with an unpaired surrogate: UTF-8 cannot encode it, so it would hash like another string. */
    static void requireWellFormed(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean paired = i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
            if (Character.isHighSurrogate(c) && paired) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(
                        String.format("%s has an unpaired surrogate U+%04X at index %d", name, (int) c, i));
            }
        }
    }

    private static void writeValue(StringBuilder out, @Nullable Object value) {
        if (value == null || value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof String string) {
            writeString(out, string);
        } else if (value instanceof Canonical canonical) {
            out.append(canonical.json());
        } else if (value instanceof Map<?, ?> map) {
            Map<String, @Nullable Object> sorted = new TreeMap<>();
            map.forEach((name, member) -> {
                if (!(name instanceof String string)) {
                    throw new IllegalArgumentException("JSON member names are strings, found " + name);
                }
                sorted.put(string, member);
            });
            String separator = "{";
            for (Map.Entry<String, @Nullable Object> member : sorted.entrySet()) {
                writeString(out.append(separator), member.getKey());
                writeValue(out.append(':'), member.getValue());
                separator = ",";
            }
            out.append(sorted.isEmpty() ? "{}" : "}");
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                writeValue(out.append(i == 0 ? "" : ","), list.get(i));
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as canonical JSON: "
                    + "only null, Boolean, String, Integer, Long, BigInteger, Map and List");
        }
    }

    private static void writeString(StringBuilder out, String value) {
        requireWellFormed("string", value);
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        out.append('"');
    }

    private static String text(Map<?, ?> members, String name) {
        if (members.get(name) instanceof String text) {
            return text;
        }
        throw new IllegalArgumentException(name + " must be a string, found " + members.get(name));
    }

    private static long integer(Map<?, ?> members, String name) {
        if (members.get(name) instanceof BigInteger number && number.bitLength() < 64) {
            return number.longValue();
        }
        throw new IllegalArgumentException(name + " must be an integer within a long, found " + members.get(name));
    }

    /** JSON text already in canonical form, written as it is. */
    private record Canonical(String json) {}
}
