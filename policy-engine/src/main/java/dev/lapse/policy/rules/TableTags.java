package dev.lapse.policy.rules;

import java.util.Map;
import java.util.Set;

/** Tags of columns, per table, as declared in the {@code tables:} sections of the policy files. */
public record TableTags(Map<String, Map<String, Set<String>>> tables) {

    public TableTags {
        tables = Map.copyOf(tables);
    }

    /** The tags of one column; none when the table or the column is not declared. */
    public Set<String> tagsOf(String table, String column) {
        Map<String, Set<String>> columns = tables.get(table);
        if (columns == null) {
            return Set.of();
        }
        return columns.getOrDefault(column, Set.of());
    }

    /** Whether any column of any table carries {@code tag}; a rule naming an unused tag is likely a typo. */
    boolean declares(String tag) {
        return tables.values().stream().flatMap(columns -> columns.values().stream()).anyMatch(t -> t.contains(tag));
    }
}
