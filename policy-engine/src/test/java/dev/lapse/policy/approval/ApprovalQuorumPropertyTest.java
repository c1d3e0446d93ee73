package dev.lapse.policy.approval;

import static dev.lapse.policy.approval.Votes.DURING;
import static dev.lapse.policy.approval.Votes.approve;
import static dev.lapse.policy.approval.Votes.requirement;
import static dev.lapse.policy.approval.Votes.tier;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.policy.approval.ApprovalOutcome.Approved;
import dev.lapse.policy.approval.ApprovalOutcome.Pending;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Checks the quorum against an exhaustive search over every assignment of approvers to tiers, on every order of a
 * small vote set and on many seeded random requirements.
 */
class ApprovalQuorumPropertyTest {

    private static final List<String> GROUPS = List.of("support", "data-owners", "security", "dba");

    @Test
    void multiTierRequirement_isApprovedInEveryVoteOrder_atTheFirstVoteThatMakesItPossible() {
        ApprovalRequirement requirement = requirement(tier(2, "support"), tier(1, "data-owners"), tier(1, "security"));
        List<Ballot> ballots = List.of(
                approve("bob", "support", "data-owners"),
                approve("carol", "data-owners", "security"),
                approve("dave", "support", "security"),
                approve("erin", "support"),
                approve("frank", "support", "data-owners"));

        List<List<Ballot>> orders = permutations(ballots);
        assertThat(orders).hasSize(120);
        for (List<Ballot> order : orders) {
            replayAgainstExhaustiveSearch(requirement, order);
        }
    }

    @Test
    void randomRequirements_agreeWithExhaustiveSearchAfterEveryVote() {
        for (long seed = 1; seed <= 2_000; seed++) {
            Random random = new Random(seed);
            List<ApprovalRequirement.Tier> tiers = new ArrayList<>();
            int tierCount = 1 + random.nextInt(3);
            for (int t = 0; t < tierCount; t++) {
                tiers.add(new ApprovalRequirement.Tier(1 + random.nextInt(2), randomGroups(random)));
            }
            List<Ballot> ballots = new ArrayList<>();
            int voterCount = 1 + random.nextInt(6);
            for (int v = 0; v < voterCount; v++) {
                ballots.add(new Ballot("evt-" + v, "voter-" + v, randomGroups(random), Ballot.Choice.APPROVE, null,
                        DURING));
            }
            ApprovalRequirement requirement = new ApprovalRequirement("alice", tiers, Votes.DEADLINE);
            try {
                replayAgainstExhaustiveSearch(requirement, ballots);
            } catch (AssertionError failure) {
                throw new AssertionError("seed " + seed + ": " + requirement + " " + ballots, failure);
            }
        }
    }

    /**
     * Casts the ballots in order and, after each, compares with exhaustive search: approved exactly when some
     * assignment meets every tier, the approvers named form such an assignment, the missing count is what the best
     * assignment lacks, and the groups said to help are exactly those whose member would enlarge the best assignment.
     */
    private static void replayAgainstExhaustiveSearch(ApprovalRequirement requirement, List<Ballot> order) {
        List<ApprovalRequirement.Tier> tiers = requirement.tiers();
        int needed = tiers.stream().mapToInt(ApprovalRequirement.Tier::required).sum();
        ApprovalQuorum quorum = ApprovalQuorum.open(requirement);
        List<Set<String>> counted = new ArrayList<>();
        boolean decided = false;
        for (Ballot ballot : order) {
            VoteResult result = quorum.cast(ballot, DURING);
            if (decided) {
                assertThat(result).isInstanceOf(VoteResult.Refused.class);
                continue;
            }
            if (!requirement.admits(ballot.voterGroups())) {
                assertThat(result).isInstanceOfSatisfying(VoteResult.Refused.class,
                        refused -> assertThat(refused.refusal()).isEqualTo(VoteResult.Refusal.NOT_AN_APPROVER));
                continue;
            }
            assertThat(result).isInstanceOf(VoteResult.Recorded.class);
            quorum = result.quorum();
            counted.add(ballot.voterGroups());
            int best = maxAssigned(tiers, counted);
            ApprovalOutcome outcome = result.outcome();
            if (best == needed) {
                decided = true;
                assertThat(outcome).isInstanceOfSatisfying(Approved.class, approved -> {
                    assertThat(approved.approvers()).doesNotHaveDuplicates().hasSize(needed);
                    for (int t = 0; t < tiers.size(); t++) {
                        List<String> inTier = approved.byTier().get(t);
                        assertThat(inTier).hasSize(tiers.get(t).required());
                        for (String voter : inTier) {
                            assertThat(tiers.get(t).admits(groupsOf(order, voter))).isTrue();
                        }
                    }
                    assertThat(approved.byTier().stream().flatMap(List::stream))
                            .containsExactlyInAnyOrderElementsOf(approved.approvers());
                });
            } else {
                assertThat(outcome).isInstanceOfSatisfying(Pending.class, pending -> {
                    assertThat(pending.missing()).isEqualTo(needed - best);
                    Set<String> helpful = new HashSet<>();
                    for (String group : requirement.approverGroups()) {
                        List<Set<String>> withOneMore = new ArrayList<>(counted);
                        withOneMore.add(Set.of(group));
                        if (maxAssigned(tiers, withOneMore) > best) {
                            helpful.add(group);
                        }
                    }
                    assertThat(pending.groupsThatCanApprove()).isEqualTo(helpful);
                });
            }
        }
    }

    /** The largest number of approvers that can be counted at once, trying every assignment. */
    private static int maxAssigned(List<ApprovalRequirement.Tier> tiers, List<Set<String>> approvers) {
        return search(tiers, approvers, 0, new int[tiers.size()]);
    }

    private static int search(List<ApprovalRequirement.Tier> tiers, List<Set<String>> approvers, int next,
            int[] filled) {
        if (next == approvers.size()) {
            return 0;
        }
        int best = search(tiers, approvers, next + 1, filled);
        for (int t = 0; t < tiers.size(); t++) {
            if (filled[t] < tiers.get(t).required() && tiers.get(t).admits(approvers.get(next))) {
                filled[t]++;
                best = Math.max(best, 1 + search(tiers, approvers, next + 1, filled));
                filled[t]--;
            }
        }
        return best;
    }

    private static Set<String> groupsOf(List<Ballot> ballots, String voter) {
        return ballots.stream().filter(b -> b.voterId().equals(voter)).findFirst().orElseThrow().voterGroups();
    }

    private static Set<String> randomGroups(Random random) {
        Set<String> groups = new HashSet<>();
        groups.add(GROUPS.get(random.nextInt(GROUPS.size())));
        if (random.nextInt(3) == 0) {
            groups.add(GROUPS.get(random.nextInt(GROUPS.size())));
        }
        if (random.nextInt(10) == 0) {
            groups.add("marketing");
        }
        return groups;
    }

    private static <T> List<List<T>> permutations(List<T> items) {
        if (items.isEmpty()) {
            return List.of(List.of());
        }
        List<List<T>> all = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<T> rest = new ArrayList<>(items);
            T head = rest.remove(i);
            for (List<T> tail : permutations(rest)) {
                List<T> order = new ArrayList<>();
                order.add(head);
                order.addAll(tail);
                all.add(order);
            }
        }
        return all;
    }
}
