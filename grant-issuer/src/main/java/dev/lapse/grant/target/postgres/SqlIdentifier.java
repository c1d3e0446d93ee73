package dev.lapse.grant.target.postgres;

import java.nio.charset.StandardCharsets;

/**
 * A PostgreSQL identifier (role, schema, table, column, policy name) that is safe to put into SQL: validated once and
 * only ever rendered double-quoted, so no name can end the identifier early or be folded to another name.
 *
 * @param name the name exactly as the catalog holds it (case and all)
 */
public record SqlIdentifier(String name) {

    /** PostgreSQL truncates longer names (NAMEDATALEN - 1); a truncated name would silently mean another object. */
    public static final int MAX_BYTES = 63;

    public SqlIdentifier {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a PostgreSQL name must not be empty");
        }
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a PostgreSQL name must not contain a NUL character");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException(
                    "a PostgreSQL name is at most " + MAX_BYTES + " bytes, '" + name + "' has " + bytes);
        }
    }

    public static SqlIdentifier of(String name) {
        return new SqlIdentifier(name);
    }

    /** The name double-quoted, embedded double quotes doubled: the only form it enters SQL in. */
    public String quoted() {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    @Override
    public String toString() {
        return quoted();
    }
}
