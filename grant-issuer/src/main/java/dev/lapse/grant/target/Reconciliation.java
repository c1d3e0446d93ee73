package dev.lapse.grant.target;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What reconciling one target must do: compares the grants present in the target with the grants Lapse holds
 * provisioned there, and says which to drop and which to put back.
 *
 * <p>A grant younger than the grace period is left alone either way: its provisioning (or withdrawal) may have
 * changed the target while the Kafka transaction that records it is still open, and acting on that half-seen
 * state would undo a grant that is about to be announced. A present grant whose provisioned twin has expired is
 * left to the expiry flow (which announces what it withdrew) until it is overdue by more than the grace period;
 * then reconciliation drops it as a backstop.
 *
 * @param drop grants present in the target that should not be
 * @param restore provisioned grants, still running, whose objects are missing from the target
 * @param overdue grants present in the target whose time has passed (the expiry flow has not withdrawn them yet)
 */
public record Reconciliation(List<PresentGrant> drop, List<GrantSpec> restore, List<PresentGrant> overdue) {

    public Reconciliation {
        drop = List.copyOf(drop);
        restore = List.copyOf(restore);
        overdue = List.copyOf(overdue);
    }

    /**
     * Plans the reconciliation of one target.
     *
     * @param present the grants found in the target now
     * @param provisioned the grants Lapse provisioned in this target and has not withdrawn
     */
    public static Reconciliation plan(Collection<PresentGrant> present, Collection<GrantSpec> provisioned,
            Instant now, Duration grace) {
        Objects.requireNonNull(now, "now");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative, got " + grace);
        }
        Instant settled = now.minus(grace);
        Set<String> provisionedIds = new HashSet<>();
        for (GrantSpec grant : provisioned) {
            provisionedIds.add(grant.grantId());
        }
        Set<String> presentIds = new HashSet<>();
        List<PresentGrant> drop = new ArrayList<>();
        List<PresentGrant> overdue = new ArrayList<>();
        for (PresentGrant grant : present) {
            presentIds.add(grant.grantId());
            boolean pastItsTime = grant.expiresAt() != null && !grant.expiresAt().isAfter(now);
            if (pastItsTime) {
                overdue.add(grant);
            }
            boolean young = grant.grantedAt() != null && grant.grantedAt().isAfter(settled);
            if (young) {
                continue;
            }
            boolean stray = !provisionedIds.contains(grant.grantId());
            boolean longOverdue = grant.expiresAt() == null || grant.expiresAt().isBefore(settled);
            if (stray || longOverdue) {
                drop.add(grant);
            }
        }
        List<GrantSpec> restore = new ArrayList<>();
        for (GrantSpec grant : provisioned) {
            boolean running = grant.expiresAt().isAfter(now);
            boolean settledGrant = !grant.grantedAt().isAfter(settled);
            if (running && settledGrant && !presentIds.contains(grant.grantId())) {
                restore.add(grant);
            }
        }
        return new Reconciliation(drop, restore, overdue);
    }

    public boolean isEmpty() {
        return drop.isEmpty() && restore.isEmpty();
    }
}
