package dev.lapse.grant.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReconciliationTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final Duration GRACE = Duration.ofMinutes(2);

    private static GrantSpec provisioned(String grantId, Instant grantedAt, Instant expiresAt) {
        return new GrantSpec(grantId, "req-" + grantId, "alice@example.com", "postgres", "crm.public.customers",
                List.of("SELECT"), List.of("id", "email"), null, grantedAt, expiresAt);
    }

    private static PresentGrant present(String grantId, Instant grantedAt, Instant expiresAt) {
        return new PresentGrant(grantId, "req-" + grantId, grantedAt, expiresAt);
    }

    @Test
    void aTargetThatMatchesItsGrantsNeedsNothing() {
        Instant granted = NOW.minus(Duration.ofMinutes(10));
        Instant expires = NOW.plus(Duration.ofMinutes(20));
        Reconciliation plan = Reconciliation.plan(List.of(present("g1", granted, expires)),
                List.of(provisioned("g1", granted, expires)), NOW, GRACE);

        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.overdue()).isEmpty();
    }

    @Test
    void aStrayGrantIsDroppedOnceSettled() {
        Instant expires = NOW.plus(Duration.ofMinutes(20));
        PresentGrant stray = present("g1", NOW.minus(Duration.ofMinutes(3)), expires);
        PresentGrant commentless = new PresentGrant("g2", null, null, null);

        Reconciliation plan = Reconciliation.plan(List.of(stray, commentless), List.of(), NOW, GRACE);

        assertThat(plan.drop()).containsExactly(stray, commentless);
        assertThat(plan.restore()).isEmpty();
    }

    @Test
    void aYoungGrantIsLeftAloneBecauseItsTransactionMayStillBeOpen() {
        Instant young = NOW.minus(Duration.ofSeconds(30));
        Instant expires = NOW.plus(Duration.ofMinutes(20));
        Reconciliation plan = Reconciliation.plan(List.of(present("g1", young, expires)),
                List.of(provisioned("g2", young, expires)), NOW, GRACE);

        assertThat(plan.isEmpty()).isTrue();
    }

    @Test
    void aRunningGrantMissingFromTheTargetIsRestored() {
        GrantSpec missing = provisioned("g1", NOW.minus(Duration.ofMinutes(5)), NOW.plus(Duration.ofMinutes(5)));

        Reconciliation plan = Reconciliation.plan(List.of(), List.of(missing), NOW, GRACE);

        assertThat(plan.restore()).containsExactly(missing);
        assertThat(plan.drop()).isEmpty();
    }

    @Test
    void anExpiredGrantIsNeverRestored() {
        GrantSpec ended = provisioned("g1", NOW.minus(Duration.ofMinutes(5)), NOW);

        assertThat(Reconciliation.plan(List.of(), List.of(ended), NOW, GRACE).restore()).isEmpty();
    }

    @Test
    void anOverdueGrantIsCountedAndLeftToTheExpiryFlowUntilItIsOverdueByMoreThanTheGrace() {
        Instant granted = NOW.minus(Duration.ofHours(1));
        PresentGrant justOverdue = present("g1", granted, NOW.minus(Duration.ofSeconds(10)));
        PresentGrant longOverdue = present("g2", granted, NOW.minus(Duration.ofMinutes(3)));

        Reconciliation plan = Reconciliation.plan(List.of(justOverdue, longOverdue),
                List.of(provisioned("g1", granted, justOverdue.expiresAt()),
                        provisioned("g2", granted, longOverdue.expiresAt())), NOW, GRACE);

        assertThat(plan.overdue()).containsExactly(justOverdue, longOverdue);
        assertThat(plan.drop()).containsExactly(longOverdue);
    }

    @Test
    void aNegativeGraceIsRefused() {
        assertThatThrownBy(() -> Reconciliation.plan(List.of(), List.of(), NOW, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
