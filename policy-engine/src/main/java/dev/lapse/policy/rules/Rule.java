package dev.lapse.policy.rules;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One rule of a policy file. It matches an access atom (one action on one column, or on the whole table when no
 * column is named) when target, table and action match and, for a rule with column criteria, the column is named
 * by {@code columns}, or carries one of {@code tags}, and carries none of {@code excludeTags}. A rule with column
 * criteria never matches a whole-table atom. The {@code condition}, if any, must also hold for the request.
 */
public record Rule(
        String name,
        String file,
        int line,
        Glob target,
        Glob table,
        Set<String> actions,
        List<Glob> columns,
        Set<String> tags,
        Set<String> excludeTags,
        @Nullable Condition condition,
        Outcome outcome,
        String reason,
        List<ApprovalTier> tiers,
        @Nullable Duration maxDuration,
        @Nullable Duration pendingTimeout) {

    /** The action that stands for every action. */
    public static final String ANY_ACTION = "*";

    public Rule {
        Objects.requireNonNull(name, "name");
        actions = Set.copyOf(actions);
        columns = List.copyOf(columns);
        tags = Set.copyOf(tags);
        excludeTags = Set.copyOf(excludeTags);
        tiers = List.copyOf(tiers);
        if ((outcome == Outcome.REQUIRE) == tiers.isEmpty()) {
            throw new IllegalArgumentException("rule " + name + ": approvals go with outcome require, and only there");
        }
    }

    /** Whether the rule looks at columns at all (and so never matches access to a whole table). */
    public boolean columnLevel() {
        return !columns.isEmpty() || !tags.isEmpty() || !excludeTags.isEmpty();
    }

    /** Whether the rule covers {@code action} on {@code column} of the resource ({@code column} null: whole table). */
    boolean matches(String kind, String resource, String action, @Nullable String column, TableTags tableTags) {
        if (!target.matches(kind) || !table.matches(resource)
                || !(actions.contains(ANY_ACTION) || actions.contains(action))) {
            return false;
        }
        if (column == null) {
            return !columnLevel();
        }
        if (!columnLevel()) {
            return true;
        }
        Set<String> columnTags = tableTags.tagsOf(resource, column);
        if (!Collections.disjoint(excludeTags, columnTags)) {
            return false;
        }
        if (columns.isEmpty() && tags.isEmpty()) {
            return true;
        }
        return columns.stream().anyMatch(glob -> glob.matches(column)) || !Collections.disjoint(tags, columnTags);
    }
}
