package dev.lapse.grant.target.postgres;

import java.util.ArrayList;
import java.util.List;

/**
 * A table as a request names it: {@code database.schema.table}, each part either plain (taken exactly as written)
 * or double-quoted (to hold a dot or a quote: {@code crm."odd.schema"."a""b"}).
 */
public record TableName(SqlIdentifier database, SqlIdentifier schema, SqlIdentifier table) {

    /**
     * Parses a resource name.
     *
     * @throws IllegalArgumentException with a one-line reason when it is not three valid names separated by dots
     */
    public static TableName parse(String resource) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        int i = 0;
        boolean partQuoted = false;
        while (i < resource.length()) {
            char c = resource.charAt(i);
            if (c == '"' && part.isEmpty() && !partQuoted) {
                int end = i + 1;
                while (true) {
                    if (end >= resource.length()) {
                        throw new IllegalArgumentException(
                                "resource '" + resource + "' has an unterminated double-quoted name");
                    }
                    if (resource.charAt(end) == '"') {
                        if (end + 1 < resource.length() && resource.charAt(end + 1) == '"') {
                            part.append('"');
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    part.append(resource.charAt(end));
                    end++;
                }
                partQuoted = true;
                i = end + 1;
                if (i < resource.length() && resource.charAt(i) != '.') {
                    throw new IllegalArgumentException(
                            "resource '" + resource + "' has text after a double-quoted name");
                }
                continue;
            }
            if (c == '.') {
                parts.add(part.toString());
                part.setLength(0);
                partQuoted = false;
            } else if (partQuoted) {
                throw new IllegalArgumentException("resource '" + resource + "' has text after a double-quoted name");
            } else {
                part.append(c);
            }
            i++;
        }
        parts.add(part.toString());
        if (parts.size() != 3) {
            throw new IllegalArgumentException(
                    "resource '" + resource + "' is not database.schema.table (for example crm.public.customers)");
        }
        try {
            return new TableName(SqlIdentifier.of(parts.get(0)), SqlIdentifier.of(parts.get(1)),
                    SqlIdentifier.of(parts.get(2)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("resource '" + resource + "': " + e.getMessage(), e);
        }
    }

    /** {@code "schema"."table"}: the table within its database. */
    public String quoted() {
        return schema.quoted() + '.' + table.quoted();
    }

    /** {@code schema.table} as plain text, the form the role comment keeps. */
    public String schemaAndTable() {
        return schema.name() + '.' + table.name();
    }

    @Override
    public String toString() {
        return database.name() + '.' + schema.name() + '.' + table.name();
    }
}
