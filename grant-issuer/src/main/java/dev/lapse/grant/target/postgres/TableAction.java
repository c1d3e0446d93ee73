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

    /** The name of the row policy this action gets for a grant role (at most 63 bytes: the role's + 7). */
    public SqlIdentifier policyOf(SqlIdentifier role) {
        return SqlIdentifier.of(role.name() + '_' + name().toLowerCase(Locale.ROOT));
    }
}
