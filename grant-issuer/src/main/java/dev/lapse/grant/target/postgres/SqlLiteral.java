package dev.lapse.grant.target.postgres;

/**
 * Renders text as a PostgreSQL string literal. Relies on {@code standard_conforming_strings = on} (the default since
 * PostgreSQL 9.1, and set on every connection the target opens), under which a backslash is an ordinary character
 * and a doubled single quote is the only escape.
 */
public final class SqlLiteral {

    private SqlLiteral() {
    }

    /** The text single-quoted with embedded single quotes doubled. */
    public static String quote(String text) {
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a PostgreSQL string must not contain a NUL character");
        }
        return '\'' + text.replace("'", "''") + '\'';
    }
}
