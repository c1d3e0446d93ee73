package dev.lapse.grant.target.postgres;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Another Lapse grant a requester already holds on a table with row-level security, as provisioning weighs it: its
 * row policies and a new grant's would be OR-ed by PostgreSQL, letting each grant's columns be used on the other's
 * rows, unless both select the same rows.
 *
 * @param grantId the grant's id (its role without {@code lapse_g_})
 * @param actions the actions it has on the table (from its comment and its policies)
 * @param filterKnown whether its row filter could be read (a grant whose filter cannot be read is taken to differ)
 * @param filter its row filter, or null for every row
 */
public record HeldGrant(String grantId, Set<TableAction> actions, boolean filterKnown, @Nullable RowFilter filter) {

    public HeldGrant {
        actions = Set.copyOf(actions);
        if (!filterKnown && filter != null) {
            throw new IllegalArgumentException("an unknown filter has no value");
        }
    }

    /**
     * Whether a new grant with these actions and this filter, held beside this one, would open rows to the other's
     * columns: some actions share rows ({@link TableAction#sharesRowsWith}) and the filters differ.
     */
    public boolean overlapsWith(Set<TableAction> newActions, @Nullable RowFilter newFilter) {
        boolean shared = actions.stream().anyMatch(held -> newActions.stream().anyMatch(held::sharesRowsWith));
        return shared && (!filterKnown || !RowFilter.sameRows(filter, newFilter));
    }
}
