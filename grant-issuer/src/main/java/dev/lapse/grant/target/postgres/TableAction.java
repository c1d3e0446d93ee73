package dev.lapse.grant.target.postgres;

import java.util.Locale;
import java.util.Optional;

/** A privilege a grant may give on a table: SELECT, INSERT and UPDATE per column, DELETE on whole rows. */
public enum TableAction {
    SELECT(true), INSERT(true), UPDATE(true), DELETE(false);

    private final boolean columnScoped;

    TableAction(boolean columnScoped) {
        this.columnScoped = columnScoped;
    }

    /** Whether the privilege is granted on columns (else on the table). */
    public boolean columnScoped() {
        return columnScoped;
    }

    /** The action an approved action names, if supported (case-insensitive). */
    public static Optional<TableAction> named(String action) {
        for (TableAction candidate : values()) {
            if (candidate.name().equals(action.trim().toUpperCase(Locale.ROOT))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether one grant's row policy for this action and another grant's for {@code other} meet on the same command.
     * PostgreSQL ORs the permissive policies of one command, so equal actions always meet. An UPDATE or DELETE that
     * reads columns (WHERE, RETURNING) also gets the SELECT policies, AND-ed: checked, that only narrows rows, but it
     * makes a grant do less than it says, so SELECT, UPDATE and DELETE are taken to meet one another. INSERT has only
     * WITH CHECK, which nothing else shares, so it meets INSERT alone.
     */
    public boolean sharesRowsWith(TableAction other) {
        return this == other || this != INSERT && other != INSERT;
    }

    /** The name of the row policy this action gets for a grant role (at most 63 bytes: the role's + 7). */
    public SqlIdentifier policyOf(SqlIdentifier role) {
        return SqlIdentifier.of(role.name() + '_' + name().toLowerCase(Locale.ROOT));
    }
}
