package dev.lapse.audit.chain;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
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
 *
 * <p>Numbers must be integers without fraction or exponent. JCS writes other numbers as ECMAScript's shortest
 * round-trip form of a double, which Java 17 does not provide (its {@code Double.toString} is not shortest until
 * Java 19). Lapse's events carry no other numbers, so rather than trust every audit hash to a library (and its parser
 * too, for verification) for values that never occur, a record that decodes to a float or a double becomes an
 * {@link AuditEntry#UNREPRESENTABLE} entry that says so and keeps its bytes, never a stall. Integers keep their exact digits, which is
 * what JCS writes for magnitudes below 2^53; beyond that JCS would round them through a double, which an audit log
 * must not do.
 *
 * <p>An {@link AuditEntry} is one flat object: its fields under their record component names, absent values as
 * {@code null}, the key and header values as {@link RecordBytes} objects, headers as a list of
 * {@code {"name":...,"value":...}} and the payload as a nested value. For example (on one line):
 * <pre>{@code
 * {"eventId":"e1","eventType":"AccessGranted","headers":[],"key":{"utf8":"r1"},"offset":0,"partition":3,
 *  "payload":{"eventId":"e1","requestId":"r1"},"requestId":"r1","schemaId":7,"timestampMs":1001,
 *  "topic":"lapse.access.granted"}
 * }</pre>
 */
public final class CanonicalJson {

    private static final Set<String> ENTRY_MEMBERS = new TreeSet<>(List.of("eventId", "eventType", "headers", "key",
            "offset", "partition", "payload", "requestId", "schemaId", "timestampMs", "topic"));
    private static final Set<String> HEADER_MEMBERS = Set.of("name", "value");
    // The members of an entry before the audit kept headers and schema ids, to say so rather than only "wrong".
    private static final Set<String> FIRST_FORMAT_MEMBERS = Set.of("eventId", "eventType", "key", "occurredAtMs",
            "offset", "partition", "payload", "requestId", "timestampMs", "topic");

    // What write() or a Writer returned last on this thread, and the entry described last with its UTF-8 bytes,
    // remembered by identity. The sink writes a payload's text and then builds its entry, whose constructor would
    // parse and write that text again; and it hashes an entry's JSON and then writes the same bytes to its file.
    // Under load those second passes were a third of the sink's CPU. A String or an AuditEntry is immutable, so the
    // very instance this class wrote or described is still what it was: nothing it did not write itself is ever
    // trusted.
    private static final ThreadLocal<@Nullable String> LAST_WRITTEN = new ThreadLocal<>();
    private static final ThreadLocal<@Nullable Described> LAST_DESCRIBED = new ThreadLocal<>();
    // Where an entry's JSON is put together before it is encoded once, to its UTF-8 bytes.
    private static final ThreadScratch SCRATCH = new ThreadScratch();

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
        String text = out.toString();
        LAST_WRITTEN.set(text);
        return text;
    }

    /**
     * Writes one JSON value canonically as it is walked, without building it as maps and lists first (the audit sink
     * writes every record's value so, and building trees of {@code TreeMap}s was a fifth of its work). Members must be
     * named in canonical order ({@link String#compareTo}), each once, and it refuses any other; strings are written as
     * {@link #write} writes them. {@link #finish} gives the text, which {@link AuditEntry} trusts as it trusts
     * {@link #write}'s. Not thread-safe; one value per writer.
     */
    public static final class Writer {

        private final StringBuilder out;
        private final ArrayDeque<Frame> open = new ArrayDeque<>();
        private boolean complete;

        public Writer() {
            this(new StringBuilder(512));
        }

        /** A writer that writes into {@code scratch}, cleared first: one builder reused per thread grows only once. */
        public Writer(StringBuilder scratch) {
            this.out = scratch;
            scratch.setLength(0);
        }

        public Writer nullValue() {
            beforeValue();
            out.append("null");
            return afterValue();
        }

        public Writer value(boolean value) {
            beforeValue();
            out.append(value);
            return afterValue();
        }

        public Writer value(long value) {
            beforeValue();
            out.append(value);
            return afterValue();
        }

        public Writer value(String value) {
            beforeValue();
            writeString(out, value);
            return afterValue();
        }

        public Writer beginObject() {
            return begin('{', true);
        }

        /** The next member's name: it must sort after the one before it in this object. */
        public Writer name(String name) {
            Frame frame = open.peek();
            if (frame == null || !frame.object || frame.named) {
                throw new IllegalStateException("a member name belongs in an object, before its value");
            }
            if (frame.lastName != null && name.compareTo(frame.lastName) <= 0) {
                throw new IllegalArgumentException("member \"" + name + "\" comes after \"" + frame.lastName
                        + "\": canonical JSON names each member once, in order");
            }
            writeString(out.append(frame.count == 0 ? "" : ","), name);
            out.append(':');
            frame.lastName = name;
            frame.named = true;
            return this;
        }

        public Writer endObject() {
            Frame frame = open.peek();
            return end(frame != null && frame.object && !frame.named, '}',
                    "no object whose members are complete to end");
        }

        public Writer beginArray() {
            return begin('[', false);
        }

        public Writer endArray() {
            Frame frame = open.peek();
            return end(frame != null && !frame.object, ']', "no array to end");
        }

        /** The text of the value written, once it is complete. */
        public String finish() {
            if (!complete || !open.isEmpty()) {
                throw new IllegalStateException("the value is not complete");
            }
            String text = out.toString();
            LAST_WRITTEN.set(text);
            return text;
        }

        private Writer begin(char bracket, boolean object) {
            beforeValue();
            out.append(bracket);
            open.push(new Frame(object));
            return this;
        }

        private Writer end(boolean endable, char bracket, String refusal) {
            if (!endable) {
                throw new IllegalStateException(refusal);
            }
            open.pop();
            out.append(bracket);
            return afterValue();
        }

        private void beforeValue() {
            Frame frame = open.peek();
            if (frame == null) {
                if (complete) {
                    throw new IllegalStateException("a writer writes one value");
                }
            } else if (frame.object && !frame.named) {
                throw new IllegalStateException("a member's value needs its name first");
            } else if (!frame.object && frame.count > 0) {
                out.append(',');
            }
        }

        private Writer afterValue() {
            Frame frame = open.peek();
            if (frame == null) {
                complete = true;
            } else {
                frame.count++;
                frame.named = false;
            }
            return this;
        }

        /** An open object or array. */
        private static final class Frame {
            final boolean object;
            int count;
            boolean named;
            @Nullable String lastName;

            Frame(boolean object) {
                this.object = object;
            }
        }
    }

    /** The canonical JSON of an entry, the text its chain link hashes. */
    public static String entry(AuditEntry entry) {
        return new String(described(entry).utf8(), StandardCharsets.UTF_8);
    }

    /**
     * The canonical JSON of an entry as UTF-8, the bytes its chain link hashes, read-only: the sink hashes them and
     * writes them to its file, and encoding the text once for both was half of what the sink allocated.
     */
    public static ByteBuffer entryUtf8(AuditEntry entry) {
        return ByteBuffer.wrap(entryBytes(entry)).asReadOnlyBuffer();
    }

    // The array itself, for the hash in this package; nobody outside gets to change it.
    static byte[] entryBytes(AuditEntry entry) {
        return described(entry).utf8();
    }

    private static Described described(AuditEntry entry) {
        Described last = LAST_DESCRIBED.get();
        if (last != null && last.entry() == entry) {
            return last;
        }
        StringBuilder out = SCRATCH.take();
        describe(out, entry);
        Described described = new Described(entry, utf8(out));
        SCRATCH.release(out);
        LAST_DESCRIBED.set(described);
        return described;
    }

    // ASCII (nearly every entry) straight from the builder, one copy; anything else through a String, as UTF-8.
    private static byte[] utf8(StringBuilder text) {
        byte[] bytes = new byte[text.length()];
        for (int i = 0; i < bytes.length; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                return text.toString().getBytes(StandardCharsets.UTF_8);
            }
            bytes[i] = (byte) c;
        }
        return bytes;
    }

    // The members in their canonical order (ENTRY_MEMBERS, sorted), written straight out: this runs for every audited
    // record, and sorting maps of members was most of its cost. The golden entries in CanonicalJsonTest hold it to
    // what writing the sorted map gives.
    private static void describe(StringBuilder out, AuditEntry entry) {
        writeValue(out.append("{\"eventId\":"), entry.eventId());
        writeValue(out.append(",\"eventType\":"), entry.eventType());
        out.append(",\"headers\":[");
        for (int i = 0; i < entry.headers().size(); i++) {
            AuditHeader header = entry.headers().get(i);
            writeString(out.append(i == 0 ? "{\"name\":" : ",{\"name\":"), header.name());
            writeBytes(out.append(",\"value\":"), header.value());
            out.append('}');
        }
        writeBytes(out.append("],\"key\":"), entry.key());
        out.append(",\"offset\":").append(entry.offset());
        out.append(",\"partition\":").append(entry.partition());
        out.append(",\"payload\":").append(entry.payloadJson());
        writeValue(out.append(",\"requestId\":"), entry.requestId());
        writeValue(out.append(",\"schemaId\":"), entry.schemaId());
        out.append(",\"timestampMs\":").append(entry.timestampMs());
        writeString(out.append(",\"topic\":"), entry.topic());
        out.append('}');
    }

    private static void writeBytes(StringBuilder out, @Nullable RecordBytes bytes) {
        if (bytes == null) {
            out.append("null");
        } else if (bytes.utf8() != null) {
            writeString(out.append("{\"utf8\":"), bytes.utf8());
            out.append('}');
        } else {
            writeString(out.append("{\"base64\":"), String.valueOf(bytes.base64()));
            out.append('}');
        }
    }

    /**
     * The entry an object {@link #parse parsed} from {@link #entry}'s output describes. Strict: every member must be
     * present and no other, since a member nobody hashes would be one nobody can vouch for.
     */
    public static AuditEntry toEntry(Map<?, ?> members) {
        if (members.keySet().equals(FIRST_FORMAT_MEMBERS)) {
            throw new IllegalArgumentException("the entry was written by an older audit-sink, before entries held "
                    + "headers and schema ids: move the directory aside, and the sink rebuilds it from offset 0");
        }
        if (!members.keySet().equals(ENTRY_MEMBERS)) {
            throw new IllegalArgumentException(
                    "an entry has exactly the members " + ENTRY_MEMBERS + ", found " + members.keySet());
        }
        long partition = integer(members, "partition");
        if (partition != (int) partition) {
            throw new IllegalArgumentException("partition out of range: " + partition);
        }
        Integer schemaId = null;
        if (members.get("schemaId") != null) {
            long id = integer(members, "schemaId");
            if (id != (int) id) {
                throw new IllegalArgumentException("schemaId out of range: " + id);
            }
            schemaId = (int) id;
        }
        if (!(members.get("headers") instanceof List<?> headers)) {
            throw new IllegalArgumentException("headers must be a JSON array, found " + members.get("headers"));
        }
        return new AuditEntry(text(members, "topic"), (int) partition, integer(members, "offset"),
                integer(members, "timestampMs"), toBytes("key", members.get("key")),
                headers.stream().map(CanonicalJson::toHeader).toList(), schemaId, text(members, "eventType"),
                optionalText(members, "eventId"), optionalText(members, "requestId"), write(members.get("payload")));
    }

    /** The canonical form of JSON text; named in the message when it is not JSON this class can write. */
    static String canonicalValue(String name, String json) {
        if (json == LAST_WRITTEN.get()) {
            return json;
        }
        try {
            return canonicalize(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** The text with every unpaired surrogate replaced by U+FFFD, as a UTF-8 encoder would: for free-form text. */
    static String wellFormed(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                out.append(c).append(value.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\ufffd' : c);
            }
        }
        return out.toString();
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
        } else if (value instanceof Map<?, ?> map) {
            // A map already in String's natural order (the audit's Avro trees are TreeMaps) is written as it is:
            // sorting it again was a tenth of the sink's thread. Any other map is sorted here.
            Map<?, ?> sorted = map instanceof SortedMap<?, ?> ordered && ordered.comparator() == null ? map
                    : sortedMembers(map);
            String separator = "{";
            for (Map.Entry<?, ?> member : sorted.entrySet()) {
                if (!(member.getKey() instanceof String name)) {
                    throw new IllegalArgumentException("JSON member names are strings, found " + member.getKey());
                }
                writeString(out.append(separator), name);
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

    private static Map<String, @Nullable Object> sortedMembers(Map<?, ?> map) {
        Map<String, @Nullable Object> sorted = new TreeMap<>();
        map.forEach((name, member) -> {
            if (!(name instanceof String string)) {
                throw new IllegalArgumentException("JSON member names are strings, found " + name);
            }
            sorted.put(string, member);
        });
        return sorted;
    }

    private static void writeString(StringBuilder out, String value) {
        out.append('"');
        // Most strings need no escape and are well-formed: one scan finds that, and the string goes in whole.
        int plain = 0;
        while (plain < value.length()) {
            char c = value.charAt(plain);
            if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) {
                break;
            }
            plain++;
        }
        if (plain == value.length()) {
            out.append(value).append('"');
            return;
        }
        requireWellFormed("string", value);
        out.append(value, 0, plain);
        for (int i = plain; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
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

    private static @Nullable String optionalText(Map<?, ?> members, String name) {
        return members.get(name) == null ? null : text(members, name);
    }

    private static @Nullable RecordBytes toBytes(String name, @Nullable Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Map<?, ?> object && object.size() == 1) {
            if (object.get("utf8") instanceof String utf8) {
                return new RecordBytes(utf8, null);
            }
            if (object.get("base64") instanceof String base64) {
                return new RecordBytes(null, base64);
            }
        }
        throw new IllegalArgumentException(name + " must be null, {\"utf8\":...} or {\"base64\":...}, found " + value);
    }

    private static AuditHeader toHeader(@Nullable Object value) {
        if (!(value instanceof Map<?, ?> header) || !header.keySet().equals(HEADER_MEMBERS)) {
            throw new IllegalArgumentException("a header is an object with exactly the members name and value, found "
                    + value);
        }
        return new AuditHeader(text(header, "name"), toBytes("a header value", header.get("value")));
    }

    /** An entry and its canonical JSON as UTF-8. */
    private record Described(AuditEntry entry, byte[] utf8) {}
}
