package dev.lapse.grant.target.postgres;

import static dev.lapse.grant.target.postgres.TableAction.DELETE;
import static dev.lapse.grant.target.postgres.TableAction.INSERT;
import static dev.lapse.grant.target.postgres.TableAction.SELECT;
import static dev.lapse.grant.target.postgres.TableAction.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** When a grant held on a table with row-level security and a new one would open rows to each other's columns. */
class PostgresHeldGrantTest {

    private static final RowFilter EU = RowFilter.parse("region = 'EU'");

    @Test
    void selectUpdateAndDeleteShareRowsInsertOnlyWithInsert() {
        for (TableAction a : Set.of(SELECT, UPDATE, DELETE)) {
            for (TableAction b : Set.of(SELECT, UPDATE, DELETE)) {
                assertThat(a.sharesRowsWith(b)).as(a + " and " + b).isTrue();
            }
            assertThat(a.sharesRowsWith(INSERT)).as(a + " and INSERT").isFalse();
            assertThat(INSERT.sharesRowsWith(a)).as("INSERT and " + a).isFalse();
        }
        assertThat(INSERT.sharesRowsWith(INSERT)).isTrue();
    }

    @Test
    void aDifferentFilterOnSharedActionsOverlaps() {
        HeldGrant euEmails = new HeldGrant("g1", Set.of(SELECT), true, EU);
        assertThat(euEmails.overlapsWith(Set.of(SELECT), null)).isTrue();
        assertThat(euEmails.overlapsWith(Set.of(SELECT), RowFilter.parse("region = 'US'"))).isTrue();
        assertThat(euEmails.overlapsWith(Set.of(DELETE), null)).isTrue();
        assertThat(euEmails.overlapsWith(Set.of(INSERT, UPDATE), null)).isTrue();
        assertThat(new HeldGrant("g1", Set.of(SELECT), true, null).overlapsWith(Set.of(SELECT), EU)).isTrue();
    }

    @Test
    void theSameFilterOrUnsharedActionsDoNot() {
        HeldGrant euEmails = new HeldGrant("g1", Set.of(SELECT), true, EU);
        assertThat(euEmails.overlapsWith(Set.of(SELECT, DELETE), RowFilter.parse("REGION IN ('EU')"))).isFalse();
        assertThat(euEmails.overlapsWith(Set.of(INSERT), null)).isFalse();
        assertThat(new HeldGrant("g1", Set.of(SELECT), true, null).overlapsWith(Set.of(SELECT), null)).isFalse();
        assertThat(new HeldGrant("g1", Set.of(INSERT), true, EU).overlapsWith(Set.of(SELECT), null)).isFalse();
        assertThat(new HeldGrant("g1", Set.of(INSERT), true, EU).overlapsWith(Set.of(INSERT), null)).isTrue();
    }

    @Test
    void aFilterThatCannotBeReadIsTakenToDiffer() {
        HeldGrant unknown = new HeldGrant("g1", Set.of(SELECT), false, null);
        assertThat(unknown.overlapsWith(Set.of(SELECT), null)).isTrue();
        assertThat(unknown.overlapsWith(Set.of(UPDATE), EU)).isTrue();
        assertThat(unknown.overlapsWith(Set.of(INSERT), null)).isFalse();
        assertThatThrownBy(() -> new HeldGrant("g1", Set.of(SELECT), false, EU))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
