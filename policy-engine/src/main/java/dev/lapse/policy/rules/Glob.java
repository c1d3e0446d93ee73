package dev.lapse.policy.rules;

import java.util.regex.Pattern;

/**
 * A name pattern in a policy file: {@code *} stands for any run of characters (dots included), {@code ?} for one;
 * every other character stands for itself. Only the characters of identifiers and dotted names are allowed, so a
 * typo such as a bracket or a space is refused at load rather than silently matching nothing.
 */
public record Glob(String pattern) {

    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_.$*?-]+");

    public Glob {
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException("a glob must not be empty");
        }
        if (!ALLOWED.matcher(pattern).matches()) {
            throw new IllegalArgumentException("bad glob '" + pattern
                    + "': only letters, digits, '_', '.', '$', '-' and the wildcards '*' and '?' are allowed");
        }
    }

    /** The characters before the first wildcard: every name that matches starts with them. */
    public String literalPrefix() {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' || c == '?') {
                return pattern.substring(0, i);
            }
        }
        return pattern;
    }

    /** Whether {@code name} matches, case-sensitively. */
    public boolean matches(String name) {
        return matches(pattern, 0, name, 0);
    }

    // Backtracking over '*' only; patterns are short, so the worst case stays small.
    private static boolean matches(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                for (int k = si; k <= s.length(); k++) {
                    if (matches(p, pi + 1, s, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (si >= s.length() || (c != '?' && c != s.charAt(si))) {
                return false;
            }
            pi++;
            si++;
        }
        return si == s.length();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
