package dev.lapse.policy.approval;

import static dev.lapse.policy.approval.Votes.DEADLINE;
import static dev.lapse.policy.approval.Votes.DURING;
import static dev.lapse.policy.approval.Votes.approve;
import static dev.lapse.policy.approval.Votes.deny;
import static dev.lapse.policy.approval.Votes.recordAll;
import static dev.lapse.policy.approval.Votes.requirement;
import static dev.lapse.policy.approval.Votes.tier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.policy.approval.QuorumSnapshot.TierSnapshot;
import dev.lapse.policy.approval.QuorumSnapshot.VoteSnapshot;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QuorumSnapshotTest {

    private final ApprovalQuorum open = ApprovalQuorum.open(requirement(tier(2, "support"), tier(1, "data-owners")));

    @Test
    void snapshot_holdsPlainValues() {
        ApprovalQuorum quorum = open.cast(new Ballot("evt-1", "bob", Set.of("support", "data-owners"),
                Ballot.Choice.APPROVE, "fine by me", DURING), DURING).quorum();

        assertThat(quorum.snapshot()).isEqualTo(new QuorumSnapshot("alice",
                List.of(new TierSnapshot(2, List.of("support")), new TierSnapshot(1, List.of("data-owners"))),
                DEADLINE.toEpochMilli(),
                List.of(new VoteSnapshot("evt-1", "bob", List.of("data-owners", "support"), "APPROVE", "fine by me",
                        DURING.toEpochMilli()))));
    }

    @Test
    void restore_ofASnapshot_isTheSameQuorumAndBehavesTheSame() {
        List<ApprovalQuorum> states = List.of(
                open,
                recordAll(open, List.of(approve("bob", "support", "data-owners"))),
                recordAll(open, List.of(approve("bob", "support", "data-owners"), approve("carol", "support"))),
                recordAll(open, List.of(approve("bob", "support"), approve("carol", "support"),
                        approve("dave", "data-owners"))),
                recordAll(open, List.of(approve("bob", "support"), deny("carol", null, "data-owners"))));

        for (ApprovalQuorum state : states) {
            ApprovalQuorum restored = ApprovalQuorum.restore(state.snapshot());

            assertThat(restored).isEqualTo(state);
            assertThat(restored.snapshot()).isEqualTo(state.snapshot());
            for (Instant now : List.of(DURING, DEADLINE)) {
                assertThat(restored.outcome(now)).isEqualTo(state.outcome(now));
            }
            Ballot next = approve("erin", "support", "data-owners");
            assertThat(restored.cast(next, DURING).outcome()).isEqualTo(state.cast(next, DURING).outcome());
            assertThat(restored.cast(next, DURING).quorum().snapshot())
                    .isEqualTo(state.cast(next, DURING).quorum().snapshot());
        }
    }

    @Test
    void restore_keepsTheVoteOrderThatDecidesTheAssignment() {
        ApprovalQuorum quorum = recordAll(open, List.of(approve("carol", "support"),
                approve("bob", "support", "data-owners")));

        ApprovalQuorum restored = ApprovalQuorum.restore(quorum.snapshot());

        assertThat(restored.votes()).extracting(Ballot::voterId).containsExactly("carol", "bob");
        assertThat(restored.outcome(DURING)).isEqualTo(quorum.outcome(DURING));
    }

    @Test
    void times_areKeptToTheMillisecondSoTheRoundTripIsExact() {
        Instant withNanos = DEADLINE.plusNanos(123_456_789);
        ApprovalQuorum quorum = ApprovalQuorum.open(
                new ApprovalRequirement("alice", List.of(tier(1, "support")), withNanos));

        ApprovalQuorum restored = ApprovalQuorum.restore(quorum.snapshot());

        assertThat(restored.requirement().decideBy()).isEqualTo(DEADLINE.plusMillis(123));
        assertThat(restored).isEqualTo(quorum);
    }

    @Test
    void restore_refusesASnapshotTheRulesCouldNotHaveProduced() {
        TierSnapshot support = new TierSnapshot(1, List.of("support"));
        long castAt = DURING.toEpochMilli();
        VoteSnapshot requesterVote = new VoteSnapshot("evt-1", "alice", List.of("support"), "APPROVE", null, castAt);
        VoteSnapshot outsider = new VoteSnapshot("evt-2", "mallory", List.of("marketing"), "APPROVE", null, castAt);
        VoteSnapshot bob = new VoteSnapshot("evt-3", "bob", List.of("support"), "APPROVE", null, castAt);
        VoteSnapshot afterDecision = new VoteSnapshot("evt-4", "carol", List.of("support"), "DENY", null, castAt);
        VoteSnapshot repeated = new VoteSnapshot("evt-3", "bob", List.of("support"), "APPROVE", null, castAt);

        for (List<VoteSnapshot> votes : List.of(List.of(requesterVote), List.of(outsider), List.of(bob, afterDecision),
                List.of(bob, repeated))) {
            QuorumSnapshot snapshot = new QuorumSnapshot("alice", List.of(support), DEADLINE.toEpochMilli(), votes);

            assertThatThrownBy(() -> ApprovalQuorum.restore(snapshot))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("snapshot holds a vote the rules would not record");
        }
        QuorumSnapshot unknownChoice = new QuorumSnapshot("alice", List.of(support), DEADLINE.toEpochMilli(),
                List.of(new VoteSnapshot("evt-5", "bob", List.of("support"), "UNKNOWN", null, castAt)));
        assertThatThrownBy(() -> ApprovalQuorum.restore(unknownChoice)).isInstanceOf(IllegalArgumentException.class);
    }
}
