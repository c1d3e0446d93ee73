package dev.lapse.grant.target.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The masked view of a protected table: every column of the table, in clear where the reader may read it and masked
 * by its rule elsewhere, decided per row while the view is read, so the masks follow grants live.
 *
 * <p>The view is owned by the admin (the table owner), so it reads every row, bypassing row-level security. On a
 * table <em>without</em> row-level security a column is in clear when {@code has_column_privilege} says the reader
 * may read it (the view's functions run as the reader). On a table <em>with</em> row-level security that would show a
 * row-limited grantee the rows its grant excludes, so there the clear condition is exact per column: the OR over the
 * Lapse grants that give SELECT on the column of (the reader has that grant role's privileges AND the row meets that
 * grant's filter). The view is therefore redefined, in the grant's own transaction, whenever a grant on such a table
 * is provisioned or withdrawn. Privileges held outside Lapse do not unmask columns of such a table.
 *
 * <p>The {@code hash} rule's key sits in {@code <masked schema>.lapse_mask_key}, a table only the admin (the view's
 * owner) can read; the view reads it as its owner, and a reader cannot see it through the view's definition.
 *
 * @param table the protected table
 * @param schema the schema the view is made in (named like the table)
 * @param columns the table's columns, in order
 * @param rules mask rules by column name; a column without one is hidden
 * @param rowSecurity whether the table has row-level security
 * @param grants the Lapse grants on the table that give SELECT (used only with row-level security)
 */
public record MaskedView(TableName table, SqlIdentifier schema, List<SqlIdentifier> columns,
        Map<String, MaskRule> rules, boolean rowSecurity, List<ClearGrant> grants) {

    /** The table that holds the hash key, in the masked schema. */
    public static final SqlIdentifier KEY_TABLE = SqlIdentifier.of("lapse_mask_key");

    public MaskedView {
        columns = List.copyOf(columns);
        rules = Map.copyOf(rules);
        grants = List.copyOf(grants);
    }

    /**
     * A Lapse grant as the view sees it: a reader with its role's privileges sees these columns in clear on the
     * rows that meet its filter.
     */
    public record ClearGrant(SqlIdentifier role, Set<String> columns, @Nullable RowFilter filter) {
        public ClearGrant {
            columns = Set.copyOf(columns);
        }
    }

    /** {@code "masked schema"."table"}. */
    public String quotedName() {
        return schema.quoted() + '.' + table.table().quoted();
    }

    /** The query the view is defined by. */
    public String query() {
        String key = "(SELECT k.key FROM " + schema.quoted() + '.' + KEY_TABLE.quoted() + " k LIMIT 1)";
        List<String> outputs = new ArrayList<>();
        for (SqlIdentifier column : columns) {
            MaskRule rule = rules.getOrDefault(column.name(), MaskRule.DEFAULT);
            String clear = clearCondition(column);
            String value = column.quoted();
            String output = rule.keepsType()
                    ? "CASE WHEN " + clear + " THEN " + value + " ELSE " + rule.render(value, key) + " END"
                    : "CASE WHEN " + clear + " THEN " + value + "::text ELSE " + rule.render(value, key) + " END";
            outputs.add(output + " AS " + column.quoted());
        }
        return "SELECT " + String.join(", ", outputs) + " FROM " + table.quoted();
    }

    /** Defines the view, replacing the one there (same columns and types, so the readers' grants stay). */
    public String createOrReplace() {
        return "CREATE OR REPLACE VIEW " + quotedName() + " WITH (security_barrier = true) AS " + query();
    }

    /** When a reader sees one column of one row in clear. */
    String clearCondition(SqlIdentifier column) {
        if (!rowSecurity) {
            return "pg_catalog.has_column_privilege(" + SqlLiteral.quote(table.quoted()) + ", "
                    + SqlLiteral.quote(column.name()) + ", 'SELECT')";
        }
        // pg_roles rather than pg_has_role(name): a role dropped by hand must mask, not break the view.
        String any = grants.stream().filter(g -> g.columns().contains(column.name()))
                .map(g -> "(EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = "
                        + SqlLiteral.quote(g.role().name()) + " AND pg_catalog.pg_has_role(current_user, r.oid, 'USAGE'))"
                        + (g.filter() == null ? "" : " AND " + g.filter().render()) + ')')
                .collect(Collectors.joining(" OR "));
        return any.isEmpty() ? "false" : '(' + any + ')';
    }
}
