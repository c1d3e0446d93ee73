package dev.lapse.grant.target.postgres;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A shared privilege role {@code lapse_p_<hex>}: the one NOLOGIN role that holds one action on one set of columns of
 * one table, for every grant that gives exactly that. Grant roles become members of it instead of holding the
 * privilege themselves, so the table's and columns' ACLs (one catalog row each, which cannot outgrow a page) get one
 * entry per distinct privilege rather than one per live grant.
 *
 * @param table the table
 * @param action the action
 * @param columns the columns, sorted by name without duplicates (empty for DELETE, which is table-level)
 */
public record PrivilegeRole(TableName table, TableAction action, List<SqlIdentifier> columns) {

    /** The name prefix every privilege role has. */
    public static final String PREFIX = "lapse_p_";

    public PrivilegeRole {
        columns = action.columnScoped()
                ? new TreeSet<>(columns.stream().map(SqlIdentifier::name).toList()).stream().map(SqlIdentifier::of)
                        .toList()
                : List.of();
        if (action.columnScoped() && columns.isEmpty()) {
            throw new IllegalArgumentException(action + " is granted per column: a privilege role needs columns");
        }
    }

    /**
     * The unambiguous text the role's name is hashed from: the quoted database, schema and table joined by dots, the
     * action, and the quoted sorted columns joined by commas, on three lines. Quoting keeps a dot or comma inside a
     * name from making two different privileges one text.
     */
    public String canonicalText() {
        return table.database().quoted() + '.' + table.schema().quoted() + '.' + table.table().quoted() + '\n'
                + action.name() + '\n' + columns.stream().map(SqlIdentifier::quoted).collect(Collectors.joining(","));
    }

    /** {@code lapse_p_} and the first 20 bytes of SHA-256 over {@link #canonicalText()}, in hex (48 characters). */
    public SqlIdentifier role() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonicalText().getBytes(StandardCharsets.UTF_8));
            return SqlIdentifier.of(PREFIX + HexFormat.of().formatHex(digest, 0, 20));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The role's comment: what it holds, as JSON. */
    public String comment() {
        return "{\"lapse\":\"privilege\",\"database\":" + GrantComment.string(table.database().name())
                + ",\"table\":" + GrantComment.string(table.toString()) + ",\"action\":"
                + GrantComment.string(action.name()) + ",\"columns\":["
                + columns.stream().map(c -> GrantComment.string(c.name())).collect(Collectors.joining(",")) + "]}";
    }
}
