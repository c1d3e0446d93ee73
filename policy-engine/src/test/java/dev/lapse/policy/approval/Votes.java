package dev.lapse.policy.approval;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Test fixtures: a fixed timeline and short ways to write requirements and ballots. */
final class Votes {

    static final Instant OPENED = Instant.parse("2026-03-01T09:00:00Z");
    static final Instant DEADLINE = OPENED.plusSeconds(3600);
    static final Instant DURING = OPENED.plusSeconds(60);

    private Votes() {
    }

    static ApprovalRequirement.Tier tier(int required, String... groups) {
        return new ApprovalRequirement.Tier(required, Set.of(groups));
    }

    static ApprovalRequirement requirement(ApprovalRequirement.Tier... tiers) {
        return new ApprovalRequirement("alice", List.of(tiers), DEADLINE);
    }

    static Ballot approve(String voter, String... groups) {
        return new Ballot("evt-" + voter + "-approve", voter, Set.of(groups), Ballot.Choice.APPROVE, null, DURING);
    }

    static Ballot deny(String voter, String comment, String... groups) {
        return new Ballot("evt-" + voter + "-deny", voter, Set.of(groups), Ballot.Choice.DENY, comment, DURING);
    }

    /** Casts ballots in order at {@link #DURING}, requiring each to be recorded. */
    static ApprovalQuorum recordAll(ApprovalQuorum quorum, List<Ballot> ballots) {
        ApprovalQuorum current = quorum;
        for (Ballot ballot : ballots) {
            VoteResult result = current.cast(ballot, DURING);
            if (!(result instanceof VoteResult.Recorded)) {
                throw new AssertionError(ballot + " was not recorded: " + result);
            }
            current = result.quorum();
        }
        return current;
    }
}
