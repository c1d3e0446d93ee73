package dev.lapse.grant.target.postgres;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A row filter parsed with a strict grammar, so the request's text is never pasted into SQL: only the parsed parts are
 * rendered, identifiers double-quoted and literals single-quoted.
 *
 * <pre>
 * filter  := cond ( AND cond )*
 * cond    := ident op literal | ident [NOT] IN ( literal ( , literal )* ) | ident IS [NOT] NULL
 * op      := = | &lt;&gt; | != | &lt; | &lt;= | &gt; | &gt;=
 * literal := 'text' ('' inside for a quote) | number | TRUE | FALSE
 * ident   := [A-Za-z_][A-Za-z0-9_$]* (folded to lower case, as SQL does) | "double quoted" ("" inside for a quote)
 * </pre>
 *
 * Key words are case-insensitive. NULL is only allowed after IS; OR, functions, sub-queries and comments are not part
 * of the grammar.
 *
 * @param conditions the conditions, all of which a row must meet
 */
public record RowFilter(List<Condition> conditions) {

    public RowFilter {
        conditions = List.copyOf(conditions);
        if (conditions.isEmpty()) {
            throw new IllegalArgumentException("a row filter has at least one condition");
        }
    }

    /** One condition on one column. */
    public sealed interface Condition {
        SqlIdentifier column();

        String render();
    }

    /** {@code column op literal}. */
    public record Comparison(SqlIdentifier column, String operator, Literal value) implements Condition {
        private static final java.util.Set<String> OPERATORS = java.util.Set.of("=", "<>", "!=", "<", "<=", ">", ">=");

        public Comparison {
            // The operator is the one part rendered as written: only the grammar's few may ever reach SQL.
            if (!OPERATORS.contains(operator)) {
                throw new IllegalArgumentException("not a row filter operator: " + operator);
            }
        }

        @Override
        public String render() {
            return column.quoted() + ' ' + operator + ' ' + value.render();
        }
    }

    /** {@code column [NOT] IN (literal, …)}. */
    public record InList(SqlIdentifier column, boolean negated, List<Literal> values) implements Condition {
        public InList {
            values = List.copyOf(values);
        }

        @Override
        public String render() {
            return column.quoted() + (negated ? " NOT IN (" : " IN (")
                    + values.stream().map(Literal::render).collect(Collectors.joining(", ")) + ')';
        }
    }

    /** {@code column IS [NOT] NULL}. */
    public record NullTest(SqlIdentifier column, boolean negated) implements Condition {
        @Override
        public String render() {
            return column.quoted() + (negated ? " IS NOT NULL" : " IS NULL");
        }
    }

    /** A constant in a condition. */
    public sealed interface Literal {
        String render();
    }

    /** A string constant; rendered single-quoted, so PostgreSQL coerces it to the column's type. */
    public record Text(String value) implements Literal {
        @Override
        public String render() {
            return SqlLiteral.quote(value);
        }
    }

    /** A numeric constant, kept as the digits it was written with. */
    public record Number(String digits) implements Literal {
        private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");

        public Number {
            if (!NUMBER.matcher(digits).matches()) {
                throw new IllegalArgumentException("not a number: " + digits);
            }
        }

        @Override
        public String render() {
            return digits;
        }
    }

    /** TRUE or FALSE. */
    public record Bool(boolean value) implements Literal {
        @Override
        public String render() {
            return value ? "TRUE" : "FALSE";
        }
    }

    /**
     * Parses a row filter.
     *
     * @throws IllegalArgumentException with a one-line reason naming where the text stops following the grammar
     */
    public static RowFilter parse(String text) {
        return new Parser(text).filter();
    }

    /** The filter as SQL: conditions joined with AND, each in parentheses. */
    public String render() {
        return conditions.stream().map(c -> '(' + c.render() + ')').collect(Collectors.joining(" AND "));
    }

    /**
     * The filter in a form equal for filters that differ only in writing: each condition rendered (so case, quoting
     * and {@code !=} are settled), an IN or NOT IN of one value as {@code =} or {@code <>}, IN values sorted without
     * repeats, conditions sorted without repeats. Filters whose forms differ may still select the same rows; callers
     * treat them as different, which errs on the safe side.
     */
    public String normalised() {
        return conditions.stream().map(RowFilter::normalised).distinct().sorted()
                .map(c -> '(' + c + ')').collect(Collectors.joining(" AND "));
    }

    /** Whether two filters, null meaning every row, are the same by {@link #normalised()}. */
    public static boolean sameRows(@Nullable RowFilter a, @Nullable RowFilter b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.normalised().equals(b.normalised());
    }

    private static String normalised(Condition condition) {
        if (condition instanceof InList in) {
            List<String> values = in.values().stream().map(Literal::render).distinct().sorted().toList();
            if (values.size() == 1) {
                return in.column().quoted() + (in.negated() ? " <> " : " = ") + values.get(0);
            }
            return in.column().quoted() + (in.negated() ? " NOT IN (" : " IN (") + String.join(", ", values) + ')';
        }
        return condition.render();
    }

    /** The columns the filter reads. */
    public Set<SqlIdentifier> columns() {
        return conditions.stream().map(Condition::column).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static final class Parser {
        private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        RowFilter filter() {
            List<Condition> conditions = new ArrayList<>();
            conditions.add(condition());
            while (true) {
                skipSpace();
                if (pos >= text.length()) {
                    return new RowFilter(conditions);
                }
                if (!keyword("AND")) {
                    throw fail("expected AND or the end of the filter");
                }
                conditions.add(condition());
            }
        }

        private Condition condition() {
            SqlIdentifier column = identifier();
            skipSpace();
            if (keyword("IS")) {
                boolean negated = keyword("NOT");
                if (!keyword("NULL")) {
                    throw fail("expected NULL after IS");
                }
                return new NullTest(column, negated);
            }
            boolean negated = keyword("NOT");
            if (keyword("IN")) {
                return new InList(column, negated, list());
            }
            if (negated) {
                throw fail("expected IN after NOT");
            }
            return new Comparison(column, operator(), literal());
        }

        private List<Literal> list() {
            skipSpace();
            expect('(');
            List<Literal> values = new ArrayList<>();
            values.add(literal());
            while (true) {
                skipSpace();
                if (peek(')')) {
                    pos++;
                    return values;
                }
                expect(',');
                values.add(literal());
            }
        }

        private String operator() {
            skipSpace();
            for (String op : new String[] {"<>", "!=", "<=", ">=", "=", "<", ">"}) {
                if (text.startsWith(op, pos)) {
                    pos += op.length();
                    return op.equals("!=") ? "<>" : op;
                }
            }
            throw fail("expected a comparison (=, <>, !=, <, <=, >, >=), IN, NOT IN or IS [NOT] NULL");
        }

        private Literal literal() {
            skipSpace();
            if (peek('\'')) {
                StringBuilder value = new StringBuilder();
                pos++;
                while (true) {
                    if (pos >= text.length()) {
                        throw fail("unterminated string");
                    }
                    char c = text.charAt(pos++);
                    if (c == '\'') {
                        if (peek('\'')) {
                            value.append('\'');
                            pos++;
                            continue;
                        }
                        return new Text(value.toString());
                    }
                    if (c == '\0') {
                        throw fail("a NUL character is not allowed");
                    }
                    value.append(c);
                }
            }
            int start = pos;
            if (peek('-')) {
                pos++;
            }
            while (pos < text.length() && (Character.isDigit(text.charAt(pos)) && text.charAt(pos) < 128
                    || text.charAt(pos) == '.')) {
                pos++;
            }
            if (pos > start) {
                String digits = text.substring(start, pos);
                try {
                    return new Number(digits);
                } catch (IllegalArgumentException e) {
                    pos = start;
                    throw fail("'" + digits + "' is not a number");
                }
            }
            if (keyword("TRUE")) {
                return new Bool(true);
            }
            if (keyword("FALSE")) {
                return new Bool(false);
            }
            if (keyword("NULL")) {
                pos -= 4;
                throw fail("NULL is only allowed as IS NULL or IS NOT NULL");
            }
            throw fail("expected a value: 'text', a number, TRUE or FALSE");
        }

        private SqlIdentifier identifier() {
            skipSpace();
            if (peek('"')) {
                StringBuilder name = new StringBuilder();
                pos++;
                while (true) {
                    if (pos >= text.length()) {
                        throw fail("unterminated double-quoted column name");
                    }
                    char c = text.charAt(pos++);
                    if (c == '"') {
                        if (peek('"')) {
                            name.append('"');
                            pos++;
                            continue;
                        }
                        return named(name.toString());
                    }
                    name.append(c);
                }
            }
            var matcher = PLAIN.matcher(text).region(pos, text.length());
            if (!matcher.lookingAt()) {
                throw fail("expected a column name");
            }
            pos = matcher.end();
            return named(matcher.group().toLowerCase(Locale.ROOT));
        }

        private SqlIdentifier named(String name) {
            try {
                return SqlIdentifier.of(name);
            } catch (IllegalArgumentException e) {
                throw fail(e.getMessage());
            }
        }

        /** Consumes a key word when the next word is it (whole word, any case). */
        private boolean keyword(String word) {
            skipSpace();
            int end = pos + word.length();
            if (end > text.length() || !text.regionMatches(true, pos, word, 0, word.length())) {
                return false;
            }
            if (end < text.length()) {
                char next = text.charAt(end);
                if (Character.isLetterOrDigit(next) || next == '_' || next == '$') {
                    return false;
                }
            }
            pos = end;
            return true;
        }

        private void expect(char c) {
            skipSpace();
            if (!peek(c)) {
                throw fail("expected '" + c + "'");
            }
            pos++;
        }

        private boolean peek(char c) {
            return pos < text.length() && text.charAt(pos) == c;
        }

        private void skipSpace() {
            while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t'
                    || text.charAt(pos) == '\n' || text.charAt(pos) == '\r')) {
                pos++;
            }
        }

        private IllegalArgumentException fail(String what) {
            String near = pos >= text.length() ? "at the end" : "at position " + (pos + 1) + " ('"
                    + text.substring(pos, Math.min(text.length(), pos + 20)) + "')";
            return new IllegalArgumentException(what + " " + near);
        }
    }
}
