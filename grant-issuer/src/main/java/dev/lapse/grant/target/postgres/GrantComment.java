package dev.lapse.grant.target.postgres;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a grant role's {@code COMMENT ON ROLE} says about the grant, as a small flat JSON object: everything withdrawal
 * and reconciliation need, read back from the database alone.
 *
 * @param requester the requester's database role the grant role was granted to
 * @param policies the row policies created for the grant (on {@code schema.table})
 * @param rowFilter the approved row filter in its string form, or null for every row
 */
public record GrantComment(String requestId, String requester, String database, String schema, String table,
        Instant grantedAt, Instant expiresAt, List<String> actions, List<String> columns, List<String> policies,
        @Nullable String rowFilter) {

    public GrantComment {
        actions = List.copyOf(actions);
        columns = List.copyOf(columns);
        policies = List.copyOf(policies);
    }

    /** The comment as JSON (written by hand: this package stays free of JSON libraries). */
    public String toJson() {
        StringBuilder json = new StringBuilder("{");
        field(json, "requestId", requestId);
        field(json, "requester", requester);
        field(json, "database", database);
        field(json, "schema", schema);
        field(json, "table", table);
        field(json, "grantedAt", grantedAt.toString());
        field(json, "expiresAt", expiresAt.toString());
        list(json, "actions", actions);
        list(json, "columns", columns);
        list(json, "policies", policies);
        json.append(",\"rowFilter\":").append(rowFilter == null ? "null" : string(rowFilter));
        return json.append('}').toString();
    }

    /** The table the grant is on. */
    public TableName tableName() {
        return new TableName(SqlIdentifier.of(database), SqlIdentifier.of(schema), SqlIdentifier.of(table));
    }

    /** Reads a role comment back; empty when it is missing or not a comment Lapse wrote (a stray role). */
    public static Optional<GrantComment> parse(@Nullable String json) {
        if (json == null) {
            return Optional.empty();
        }
        try {
            Map<String, Object> fields = new JsonObjectReader(json).read();
            return Optional.of(new GrantComment(text(fields, "requestId"), text(fields, "requester"),
                    text(fields, "database"), text(fields, "schema"), text(fields, "table"),
                    Instant.parse(text(fields, "grantedAt")), Instant.parse(text(fields, "expiresAt")),
                    texts(fields, "actions"), texts(fields, "columns"), texts(fields, "policies"),
                    (String) fields.get("rowFilter")));
        } catch (IllegalArgumentException | ClassCastException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String text(Map<String, Object> fields, String name) {
        if (!(fields.get(name) instanceof String value)) {
            throw new IllegalArgumentException("no " + name);
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static List<String> texts(Map<String, Object> fields, String name) {
        Object value = fields.get(name);
        if (value == null) {
            return List.of();
        }
        return (List<String>) value;
    }

    private static void field(StringBuilder json, String name, String value) {
        if (json.length() > 1) {
            json.append(',');
        }
        json.append(string(name)).append(':').append(string(value));
    }

    private static void list(StringBuilder json, String name, List<String> values) {
        json.append(',').append(string(name)).append(":[");
        for (int i = 0; i < values.size(); i++) {
            json.append(i == 0 ? "" : ",").append(string(values.get(i)));
        }
        json.append(']');
    }

    /** A JSON string literal of the value (also used by {@link PrivilegeRole#comment()}). */
    static String string(String value) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }

    /** Reads one flat JSON object whose values are strings, null, or arrays of strings. */
    private static final class JsonObjectReader {
        private final String json;
        private int pos;

        JsonObjectReader(String json) {
            this.json = json;
        }

        Map<String, Object> read() {
            Map<String, Object> fields = new LinkedHashMap<>();
            expect('{');
            if (next() == '}') {
                pos++;
            } else {
                while (true) {
                    String name = string();
                    expect(':');
                    fields.put(name, value());
                    char c = next();
                    pos++;
                    if (c == '}') {
                        break;
                    }
                    if (c != ',') {
                        throw new IllegalArgumentException("expected , or }");
                    }
                }
            }
            if (next() != 0) {
                throw new IllegalArgumentException("text after the object");
            }
            return fields;
        }

        private @Nullable Object value() {
            char c = next();
            if (c == '"') {
                return string();
            }
            if (json.startsWith("null", pos)) {
                pos += 4;
                return null;
            }
            if (c == '[') {
                pos++;
                List<String> values = new ArrayList<>();
                if (next() == ']') {
                    pos++;
                    return values;
                }
                while (true) {
                    values.add(string());
                    char d = next();
                    pos++;
                    if (d == ']') {
                        return values;
                    }
                    if (d != ',') {
                        throw new IllegalArgumentException("expected , or ]");
                    }
                }
            }
            throw new IllegalArgumentException("unexpected value");
        }

        private String string() {
            expect('"');
            StringBuilder s = new StringBuilder();
            while (true) {
                if (pos >= json.length()) {
                    throw new IllegalArgumentException("unterminated string");
                }
                char c = json.charAt(pos++);
                if (c == '"') {
                    return s.toString();
                }
                if (c == '\\') {
                    if (pos >= json.length()) {
                        throw new IllegalArgumentException("unterminated escape");
                    }
                    char e = json.charAt(pos++);
                    switch (e) {
                        case '"', '\\', '/' -> s.append(e);
                        case 'n' -> s.append('\n');
                        case 't' -> s.append('\t');
                        case 'r' -> s.append('\r');
                        case 'b' -> s.append('\b');
                        case 'f' -> s.append('\f');
                        case 'u' -> {
                            if (pos + 4 > json.length()) {
                                throw new IllegalArgumentException("short unicode escape");
                            }
                            s.append((char) Integer.parseInt(json.substring(pos, pos + 4), 16));
                            pos += 4;
                        }
                        default -> throw new IllegalArgumentException("unknown escape");
                    }
                } else {
                    s.append(c);
                }
            }
        }

        private void expect(char c) {
            if (next() != c) {
                throw new IllegalArgumentException("expected " + c);
            }
            pos++;
        }

        /** The next non-blank character without consuming it, or 0 at the end. */
        private char next() {
            while (pos < json.length() && Character.isWhitespace(json.charAt(pos))) {
                pos++;
            }
            return pos < json.length() ? json.charAt(pos) : 0;
        }
    }
}
