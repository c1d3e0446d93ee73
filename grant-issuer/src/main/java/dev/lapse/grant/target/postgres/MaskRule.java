package dev.lapse.grant.target.postgres;

/**
 * How a masked view shows a column its reader may not read: {@code hide} (NULL), {@code text:<fixed>},
 * {@code hash} (keyed: the first 16 hex characters of sha256(key || value)), {@code partial-email}
 * ({@code a***@example.com}), {@code partial:<keepFirst>:<keepLast>} (the rest as {@code *}), or {@code clear} (the
 * value itself, to every reader of the view: for columns that are no secret, such as an id to find rows by).
 */
public sealed interface MaskRule {

    /** The rule for a column the settings name no rule for. */
    MaskRule DEFAULT = new Hide();

    /**
     * The masked value as an SQL expression.
     *
     * @param value the column, quoted
     * @param key an SQL expression yielding the hash key (text)
     */
    String render(String value, String key);

    /** Whether the masked column keeps the table column's type (else it is text). */
    default boolean keepsType() {
        return false;
    }

    /** The rule as the settings spell it. */
    String spelling();

    /** NULL instead of the value. */
    record Hide() implements MaskRule {
        @Override
        public String render(String value, String key) {
            return "NULL";
        }

        @Override
        public boolean keepsType() {
            return true;
        }

        @Override
        public String spelling() {
            return "hide";
        }
    }

    /** The value itself, to every reader of the view: the column is declared no secret. */
    record Clear() implements MaskRule {
        @Override
        public String render(String value, String key) {
            return value;
        }

        @Override
        public boolean keepsType() {
            return true;
        }

        @Override
        public String spelling() {
            return "clear";
        }
    }

    /** A fixed text instead of the value. */
    record FixedText(String text) implements MaskRule {
        @Override
        public String render(String value, String key) {
            return SqlLiteral.quote(text);
        }

        @Override
        public String spelling() {
            return "text:" + text;
        }
    }

    /** A keyed hash: equal values hash equal (joins and counts still work), the value cannot be looked up. */
    record Hash() implements MaskRule {
        @Override
        public String render(String value, String key) {
            return "left(encode(pg_catalog.sha256(convert_to(" + key + " || " + value
                    + "::text, 'UTF8')), 'hex'), 16)";
        }

        @Override
        public String spelling() {
            return "hash";
        }
    }

    /** The first character of the local part, then {@code ***}, then the domain. */
    record PartialEmail() implements MaskRule {
        @Override
        public String render(String value, String key) {
            String v = value + "::text";
            return "CASE WHEN position('@' in " + v + ") > 0 THEN left(" + v + ", least(1, position('@' in " + v
                    + ") - 1)) || '***' || substr(" + v + ", position('@' in " + v + ")) ELSE '***' END";
        }

        @Override
        public String spelling() {
            return "partial-email";
        }
    }

    /** The first and last few characters kept, every other one as {@code *}; a short value is all stars. */
    record Partial(int keepFirst, int keepLast) implements MaskRule {
        public Partial {
            if (keepFirst < 0 || keepLast < 0) {
                throw new IllegalArgumentException("partial keeps a count of characters of at least 0");
            }
        }

        @Override
        public String render(String value, String key) {
            String v = value + "::text";
            int kept = keepFirst + keepLast;
            return "CASE WHEN length(" + v + ") > " + kept + " THEN left(" + v + ", " + keepFirst + ") || repeat('*', length("
                    + v + ") - " + kept + ") || right(" + v + ", " + keepLast + ") ELSE repeat('*', length(" + v
                    + ")) END";
        }

        @Override
        public String spelling() {
            return "partial:" + keepFirst + ':' + keepLast;
        }
    }

    /**
     * Parses a rule as the settings spell it.
     *
     * @throws IllegalArgumentException naming the rules there are
     */
    static MaskRule parse(String spelling) {
        if (spelling.equals("hide")) {
            return new Hide();
        }
        if (spelling.equals("hash")) {
            return new Hash();
        }
        if (spelling.equals("clear")) {
            return new Clear();
        }
        if (spelling.equals("partial-email")) {
            return new PartialEmail();
        }
        if (spelling.startsWith("text:")) {
            return new FixedText(spelling.substring("text:".length()));
        }
        if (spelling.startsWith("partial:")) {
            String[] counts = spelling.substring("partial:".length()).split(":", -1);
            if (counts.length == 2 && counts[0].matches("[0-9]{1,4}") && counts[1].matches("[0-9]{1,4}")) {
                return new Partial(Integer.parseInt(counts[0]), Integer.parseInt(counts[1]));
            }
            throw new IllegalArgumentException(
                    "mask rule '" + spelling + "' should be partial:<keepFirst>:<keepLast>, for example partial:0:4");
        }
        throw new IllegalArgumentException("unknown mask rule '" + spelling
                + "' (hide, text:<fixed>, hash, partial-email, partial:<keepFirst>:<keepLast>, clear)");
    }
}
