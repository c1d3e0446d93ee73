package dev.lapse.policy.approval;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A maximum assignment of approvers to tiers: each approver fills at most one slot in one tier they are eligible
 * for, and a tier has {@code required} slots. An approver in the groups of two tiers therefore counts once, and the
 * requirement is met exactly when some assignment fills every slot.
 *
 * <p>Built with augmenting paths (Kuhn's algorithm with tier capacities): by Berge's theorem a matching with no
 * augmenting path is maximum, so no assignment that meets the requirement is missed. Approvers are taken in the
 * order they voted and tiers in the requirement's order, so the assignment is deterministic.
 */
final class TierMatching {

    private final List<ApprovalRequirement.Tier> tiers;
    private final List<List<Integer>> eligible;
    private final List<List<Integer>> holders;
    private final int[] tierOf;

    private TierMatching(List<ApprovalRequirement.Tier> tiers, List<Set<String>> approverGroups) {
        this.tiers = tiers;
        this.eligible = new ArrayList<>();
        for (Set<String> groups : approverGroups) {
            List<Integer> admitting = new ArrayList<>();
            for (int t = 0; t < tiers.size(); t++) {
                if (tiers.get(t).admits(groups)) {
                    admitting.add(t);
                }
            }
            eligible.add(admitting);
        }
        this.holders = new ArrayList<>();
        tiers.forEach(tier -> holders.add(new ArrayList<>()));
        this.tierOf = new int[approverGroups.size()];
        java.util.Arrays.fill(tierOf, -1);
    }

    /** Assigns approvers, given by their groups in the order they voted, to tiers. */
    static TierMatching assign(List<ApprovalRequirement.Tier> tiers, List<Set<String>> approverGroups) {
        TierMatching matching = new TierMatching(tiers, approverGroups);
        for (int approver = 0; approver < approverGroups.size(); approver++) {
            matching.augment(approver, new boolean[tiers.size()]);
        }
        return matching;
    }

    private boolean augment(int approver, boolean[] visited) {
        for (int tier : eligible.get(approver)) {
            if (visited[tier]) {
                continue;
            }
            visited[tier] = true;
            if (holders.get(tier).size() < tiers.get(tier).required()) {
                take(approver, tier);
                return true;
            }
            for (int holder : List.copyOf(holders.get(tier))) {
                // the holder moves to another tier it may fill, freeing this slot for the approver
                if (augment(holder, visited)) {
                    holders.get(tier).remove(Integer.valueOf(holder));
                    take(approver, tier);
                    return true;
                }
            }
        }
        return false;
    }

    private void take(int approver, int tier) {
        holders.get(tier).add(approver);
        tierOf[approver] = tier;
    }

    /** Whether every slot of every tier is filled. */
    boolean complete() {
        for (int t = 0; t < tiers.size(); t++) {
            if (holders.get(t).size() < tiers.get(t).required()) {
                return false;
            }
        }
        return true;
    }

    /** For each tier, the approvers (by index, in voting order) counted in it. */
    List<List<Integer>> holders() {
        return holders.stream().map(list -> list.stream().sorted().toList()).toList();
    }

    /** The tier an approver counts in, or -1 when their approval does not count. */
    int tierOf(int approver) {
        return tierOf[approver];
    }

    /**
     * Tiers in which one more approval would enlarge the assignment: those with a free slot, and those whose holder
     * could move on to such a tier (the start of an augmenting path).
     */
    Set<Integer> tiersThatCanTakeMore() {
        Set<Integer> open = new TreeSet<>();
        for (int t = 0; t < tiers.size(); t++) {
            if (holders.get(t).size() < tiers.get(t).required()) {
                open.add(t);
            }
        }
        boolean grew = true;
        while (grew) {
            grew = false;
            for (int t = 0; t < tiers.size(); t++) {
                if (open.contains(t)) {
                    continue;
                }
                for (int holder : holders.get(t)) {
                    if (eligible.get(holder).stream().anyMatch(open::contains)) {
                        open.add(t);
                        grew = true;
                        break;
                    }
                }
            }
        }
        return open;
    }
}
