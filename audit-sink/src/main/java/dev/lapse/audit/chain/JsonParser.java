package dev.lapse.audit.chain;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A strict recursive-descent parser for RFC 8259 JSON, limited to what canonical form can represent: integers only,
 * no duplicate member names, no unpaired surrogates. Objects come back as sorted unmodifiable maps, arrays as
 * unmodifiable lists, numbers as {@link BigInteger}.
 */
final class JsonParser {

    // Deep enough for any event; shallow enough that hostile input cannot overflow the stack.
    private static final int MAX_DEPTH = 128;
    // No leading zeros, as RFC 8259 says; what follows the digits is checked separately for a clearer message.
    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");

    private final String text;
    private int pos;

    JsonParser(String text) {
        this.text = text;
    }

    @Nullable Object parseDocument() {
        @Nullable Object value = parseValue(0);
        skipWhitespace();
        if (pos != text.length()) {
            throw error("unexpected text after the JSON value");
        }
        return value;
    }

    private @Nullable Object parseValue(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH + " levels");
        }
        skipWhitespace();
        int c = peek();
        return switch (c) {
            case '{' -> parseObject(depth);
            case '[' -> parseArray(depth);
            case '"' -> parseString();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield parseNumber();
                }
                throw error(c < 0 ? "unexpected end of text" : "unexpected character '" + (char) c + "'");
            }
        };
    }

    private Map<String, @Nullable Object> parseObject(int depth) {
        Map<String, @Nullable Object> members = new TreeMap<>();
        if (!open('}')) {
            do {
                skipWhitespace();
                if (peek() != '"') {
                    throw error("expected a member name in double quotes");
                }
                int nameAt = pos;
                String name = parseString();
                if (members.containsKey(name)) {
                    pos = nameAt;
                    throw error("duplicate member name \"" + name + "\"");
                }
                skipWhitespace();
                expect(':');
                members.put(name, parseValue(depth + 1));
            } while (more('}'));
        }
        return Collections.unmodifiableMap(members);
    }

    private List<@Nullable Object> parseArray(int depth) {
        List<@Nullable Object> items = new ArrayList<>();
        if (!open(']')) {
            do {
                items.add(parseValue(depth + 1));
            } while (more(']'));
        }
        return Collections.unmodifiableList(items);
    }

    /** Steps past an opening bracket; true when the container is empty and closed at once. */
    private boolean open(char close) {
        pos++;
        skipWhitespace();
        boolean empty = peek() == close;
        pos += empty ? 1 : 0;
        return empty;
    }

    /** After a member or item: true at a comma, false after the closing bracket. */
    private boolean more(char close) {
        skipWhitespace();
        if (peek() == ',') {
            pos++;
            return true;
        }
        expect(close);
        return false;
    }

    private String parseString() {
        int start = pos++;
        StringBuilder out = new StringBuilder();
        for (int c = peek(); c != '"'; c = peek()) {
            if (c < 0x20) { // the end of the text too, where peek() is -1
                throw error(c < 0 ? "unterminated string" : String.format("control U+%04X must be escaped", c));
            }
            pos++;
            out.append(c == '\\' ? escape() : (char) c);
        }
        pos++;
        String value = out.toString();
        CanonicalJson.requireWellFormed("string at index " + start, value);
        return value;
    }

    private char escape() {
        int c = peek();
        int simple = c < 0 ? -1 : "\"\\/bfnrt".indexOf(c);
        pos++;
        if (simple >= 0) {
            return "\"\\/\b\f\n\r\t".charAt(simple);
        }
        if (c != 'u') {
            pos--;
            throw error(c < 0 ? "unterminated string" : "invalid escape \\" + (char) c);
        }
        int code = 0;
        for (int i = 0; i < 4; i++) {
            char ch = pos < text.length() ? text.charAt(pos++) : 'x';
            int digit = ch < 128 ? Character.digit(ch, 16) : -1; // ASCII only: digit() knows other scripts
            if (digit < 0) {
                throw error("\\u must be followed by four hex digits");
            }
            code = code * 16 + digit;
        }
        return (char) code;
    }

    private BigInteger parseNumber() {
        Matcher integer = INTEGER.matcher(text).region(pos, text.length());
        if (!integer.lookingAt()) {
            throw error("a number needs digits");
        }
        if (integer.end() < text.length() && ".eE".indexOf(text.charAt(integer.end())) >= 0) {
            throw error("only integers are supported, without fraction or exponent");
        }
        pos = integer.end();
        return new BigInteger(integer.group()); // "-0" becomes 0, as JCS writes it
    }

    private @Nullable Object literal(String word, @Nullable Object value) {
        if (!text.startsWith(word, pos)) {
            throw error("expected " + word);
        }
        pos += word.length();
        return value;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'" + (peek() < 0 ? " but the text ended" : ""));
        }
        pos++;
    }

    private int peek() {
        return pos < text.length() ? text.charAt(pos) : -1;
    }

    private void skipWhitespace() {
        while (pos < text.length() && " \t\n\r".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException("invalid JSON at index " + pos + ": " + message);
    }
}
