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

import dev.lapse.policy.approval.ApprovalOutcome.Approved;
import dev.lapse.policy.approval.ApprovalOutcome.Denied;
import dev.lapse.policy.approval.ApprovalOutcome.Pending;
import dev.lapse.policy.approval.ApprovalOutcome.TimedOut;
import dev.lapse.policy.approval.VoteResult.Refusal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApprovalQuorumTest {

    private final ApprovalQuorum twoOfSupport = ApprovalQuorum.open(requirement(tier(2, "support")));
    private final ApprovalQuorum supportAndOwners =
            ApprovalQuorum.open(requirement(tier(1, "support"), tier(1, "data-owners")));

    @Test
    void open_isPendingWithEveryApprovalMissing() {
        assertThat(twoOfSupport.outcome(DURING)).isInstanceOfSatisfying(Pending.class, pending -> {
            assertThat(pending.missing()).isEqualTo(2);
            assertThat(pending.groupsThatCanApprove()).containsExactly("support");
            assertThat(pending.excludedVoters()).containsExactly("alice");
        });
    }

    @Test
    void cast_whenRequirementMet_approvesNamingTheApprovers() {
        VoteResult first = twoOfSupport.cast(approve("bob", "support"), DURING);
        VoteResult second = first.quorum().cast(approve("carol", "support"), DURING);

        assertThat(first).isInstanceOf(VoteResult.Recorded.class);
        assertThat(first.outcome()).isInstanceOfSatisfying(Pending.class, pending -> {
            assertThat(pending.missing()).isEqualTo(1);
            assertThat(pending.excludedVoters()).containsExactly("alice", "bob");
        });
        assertThat(second).isInstanceOf(VoteResult.Recorded.class);
        assertThat(second.outcome()).isEqualTo(new Approved(List.of("bob", "carol"), List.of(List.of("bob", "carol"))));
    }

    @Test
    void cast_sameEventTwice_isADuplicateAndCountsOnce() {
        Ballot bob = approve("bob", "support");
        ApprovalQuorum once = twoOfSupport.cast(bob, DURING).quorum();

        VoteResult again = once.cast(bob, DURING);

        assertThat(again).isInstanceOf(VoteResult.Duplicate.class);
        assertThat(again.quorum()).isSameAs(once);
        assertThat(again.outcome()).isInstanceOfSatisfying(Pending.class, p -> assertThat(p.missing()).isEqualTo(1));
    }

    @Test
    void cast_sameEventIdCarryingSomethingElse_isStillADuplicate() {
        ApprovalQuorum once = twoOfSupport.cast(approve("bob", "support"), DURING).quorum();
        Ballot sameIdOtherVoter = new Ballot("evt-bob-approve", "carol", Set.of("support"), Ballot.Choice.APPROVE,
                null, DURING);

        VoteResult result = once.cast(sameIdOtherVoter, DURING);

        assertThat(result).isInstanceOf(VoteResult.Duplicate.class);
        assertThat(result.quorum().votes()).extracting(Ballot::voterId).containsExactly("bob");
    }

    @Test
    void cast_sameVoterSameChoiceInANewEvent_isADuplicateAndCountsOnce() {
        ApprovalQuorum once = twoOfSupport.cast(approve("bob", "support"), DURING).quorum();
        Ballot doubleClick = new Ballot("evt-other", "bob", Set.of("support"), Ballot.Choice.APPROVE, "again", DURING);

        VoteResult result = once.cast(doubleClick, DURING);

        assertThat(result).isInstanceOf(VoteResult.Duplicate.class);
        assertThat(result.outcome()).isInstanceOf(Pending.class);
    }

    @Test
    void cast_sameVoterChangingTheirVote_isRefusedAndTheFirstVoteStands() {
        ApprovalQuorum approved = twoOfSupport.cast(approve("bob", "support"), DURING).quorum();

        VoteResult result = approved.cast(deny("bob", "changed my mind", "support"), DURING);

        assertThat(result).isInstanceOfSatisfying(VoteResult.Refused.class, refused -> {
            assertThat(refused.refusal()).isEqualTo(Refusal.ALREADY_VOTED);
            assertThat(refused.reason()).contains("bob already voted APPROVE");
        });
        assertThat(result.quorum()).isSameAs(approved);
        assertThat(result.outcome()).isInstanceOf(Pending.class);
    }

    @Test
    void cast_byTheRequester_isRefusedEvenWhenInTheApproverGroup() {
        VoteResult approveOwn = twoOfSupport.cast(approve("alice", "support"), DURING);
        VoteResult denyOwn = twoOfSupport.cast(deny("alice", "never mind", "support"), DURING);

        assertThat(List.of(approveOwn, denyOwn)).allSatisfy(result -> {
            assertThat(result).isInstanceOfSatisfying(VoteResult.Refused.class, refused -> {
                assertThat(refused.refusal()).isEqualTo(Refusal.REQUESTER);
                assertThat(refused.reason()).isEqualTo("alice asked for this access and cannot vote on it");
            });
            assertThat(result.quorum()).isSameAs(twoOfSupport);
            assertThat(result.outcome()).isInstanceOf(Pending.class);
        });
    }

    @Test
    void cast_byAVoterOutsideEveryTier_isRefusedAndCannotDenyEither() {
        VoteResult approveResult = supportAndOwners.cast(approve("mallory", "marketing"), DURING);
        VoteResult denyResult = supportAndOwners.cast(deny("mallory", "no", "marketing"), DURING);

        assertThat(List.of(approveResult, denyResult)).allSatisfy(result -> {
            assertThat(result).isInstanceOfSatisfying(VoteResult.Refused.class, refused -> {
                assertThat(refused.refusal()).isEqualTo(Refusal.NOT_AN_APPROVER);
                assertThat(refused.reason())
                        .isEqualTo("mallory is in none of the approver groups [data-owners, support]");
            });
            assertThat(result.quorum()).isSameAs(supportAndOwners);
        });
    }

    @Test
    void onePersonInTheGroupsOfTwoTiers_countsOnceInOneTier() {
        VoteResult result = supportAndOwners.cast(approve("bob", "support", "data-owners"), DURING);

        assertThat(result.outcome()).isInstanceOfSatisfying(Pending.class, pending -> {
            assertThat(pending.missing()).isEqualTo(1);
            assertThat(pending.tiers()).flatExtracting(ApprovalOutcome.TierProgress::approvers).containsExactly("bob");
            // bob sits in one tier; anyone from either group can still complete it, since bob can move over
            assertThat(pending.groupsThatCanApprove()).containsExactly("data-owners", "support");
        });
    }

    @Test
    void twoVotersOneInBothTiers_meetBothTiersWhicheverVotesFirst() {
        Ballot both = approve("bob", "support", "data-owners");
        Ballot supportOnly = approve("carol", "support");

        ApprovalOutcome bothFirst = recordAll(supportAndOwners, List.of(both, supportOnly)).outcome(DURING);
        ApprovalOutcome supportFirst = recordAll(supportAndOwners, List.of(supportOnly, both)).outcome(DURING);

        assertThat(bothFirst).isEqualTo(new Approved(List.of("bob", "carol"), List.of(List.of("carol"), List.of("bob"))));
        assertThat(supportFirst).isEqualTo(new Approved(List.of("carol", "bob"),
                List.of(List.of("carol"), List.of("bob"))));
    }

    @Test
    void twoVotersInTheSameSingleTier_doNotMeetTheOtherTier() {
        ApprovalQuorum quorum = recordAll(supportAndOwners,
                List.of(approve("bob", "support"), approve("carol", "support")));

        assertThat(quorum.outcome(DURING)).isInstanceOfSatisfying(Pending.class, pending -> {
            assertThat(pending.missing()).isEqualTo(1);
            assertThat(pending.groupsThatCanApprove()).containsExactly("data-owners");
        });
    }

    @Test
    void eligibleDeny_endsTheRequestWithItsComment() {
        ApprovalQuorum oneApproval = twoOfSupport.cast(approve("bob", "support"), DURING).quorum();

        VoteResult result = oneApproval.cast(deny("carol", "not for production", "support"), DURING);
        VoteResult later = result.quorum().cast(approve("dave", "support"), DURING);

        assertThat(result).isInstanceOf(VoteResult.Recorded.class);
        assertThat(result.outcome()).isEqualTo(new Denied("carol", "not for production"));
        assertThat(later).isInstanceOfSatisfying(VoteResult.Refused.class,
                refused -> assertThat(refused.refusal()).isEqualTo(Refusal.DECIDED));
        assertThat(later.outcome()).isEqualTo(new Denied("carol", "not for production"));
    }

    @Test
    void denyFromAMetTier_stillEndsTheRequest() {
        ApprovalQuorum supportMet = supportAndOwners.cast(approve("bob", "support"), DURING).quorum();

        VoteResult result = supportMet.cast(deny("carol", null, "support"), DURING);

        assertThat(result.outcome()).isEqualTo(new Denied("carol", null));
    }

    @Test
    void cast_afterApproval_isRefusedAsDecided() {
        ApprovalQuorum approved = supportAndOwners.cast(approve("bob", "support"), DURING).quorum()
                .cast(approve("carol", "data-owners"), DURING).quorum();

        VoteResult lateDeny = approved.cast(deny("dave", "too late", "support"), DURING);

        assertThat(lateDeny).isInstanceOfSatisfying(VoteResult.Refused.class, refused -> {
            assertThat(refused.refusal()).isEqualTo(Refusal.DECIDED);
            assertThat(refused.reason()).isEqualTo("the request is already approved");
        });
        assertThat(lateDeny.outcome()).isInstanceOf(Approved.class);
    }

    @Test
    void outcome_atTheDeadline_isTimedOut_andJustBeforeIsPending() {
        ApprovalQuorum oneApproval = twoOfSupport.cast(approve("bob", "support"), DURING).quorum();

        assertThat(oneApproval.outcome(DEADLINE.minusMillis(1))).isInstanceOf(Pending.class);
        assertThat(oneApproval.outcome(DEADLINE)).isEqualTo(new TimedOut(DEADLINE));
        assertThat(oneApproval.outcome(DEADLINE.plusSeconds(86_400))).isEqualTo(new TimedOut(DEADLINE));
    }

    @Test
    void cast_atOrAfterTheDeadline_isRefusedAndYieldsTimedOut() {
        ApprovalQuorum oneApproval = twoOfSupport.cast(approve("bob", "support"), DURING).quorum();

        for (Instant now : List.of(DEADLINE, DEADLINE.plusMillis(1))) {
            VoteResult late = oneApproval.cast(approve("carol", "support"), now);

            assertThat(late).isInstanceOfSatisfying(VoteResult.Refused.class, refused -> {
                assertThat(refused.refusal()).isEqualTo(Refusal.DEADLINE_PASSED);
                assertThat(refused.reason()).isEqualTo("the request timed out at " + DEADLINE);
            });
            assertThat(late.quorum()).isSameAs(oneApproval);
            assertThat(late.outcome()).isEqualTo(new TimedOut(DEADLINE));
        }
        VoteResult justInTime = oneApproval.cast(approve("carol", "support"), DEADLINE.minusMillis(1));
        assertThat(justInTime.outcome()).isInstanceOf(Approved.class);
    }

    @Test
    void decisionBeforeTheDeadline_standsAfterIt() {
        ApprovalQuorum approved = recordAll(twoOfSupport,
                List.of(approve("bob", "support"), approve("carol", "support")));
        ApprovalQuorum denied = twoOfSupport.cast(deny("bob", "no", "support"), DURING).quorum();

        assertThat(approved.outcome(DEADLINE.plusSeconds(1))).isInstanceOf(Approved.class);
        assertThat(denied.outcome(DEADLINE.plusSeconds(1))).isEqualTo(new Denied("bob", "no"));
    }

    @Test
    void duplicateOfACountedVote_afterTheDecision_isStillADuplicate() {
        Ballot carol = approve("carol", "support");
        ApprovalQuorum approved = recordAll(twoOfSupport, List.of(approve("bob", "support"), carol));

        VoteResult redelivered = approved.cast(carol, DEADLINE.plusSeconds(5));

        assertThat(redelivered).isInstanceOf(VoteResult.Duplicate.class);
        assertThat(redelivered.outcome()).isInstanceOf(Approved.class);
    }

    @Test
    void eligibleApprovalThatCannotCount_isRecordedButNotNamedAsApprover() {
        ApprovalQuorum quorum = ApprovalQuorum.open(requirement(tier(1, "support"), tier(1, "data-owners")));

        ApprovalQuorum after = recordAll(quorum, List.of(approve("bob", "support"), approve("carol", "support"),
                approve("dave", "data-owners")));

        assertThat(after.votes()).hasSize(3);
        assertThat(after.outcome(DURING)).isEqualTo(new Approved(List.of("bob", "dave"),
                List.of(List.of("bob"), List.of("dave"))));
    }

    @Test
    void requirement_refusesMeaninglessTiers() {
        assertThatThrownBy(() -> tier(0, "support")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ApprovalRequirement.Tier(1, Set.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ApprovalRequirement("alice", List.of(), DEADLINE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ApprovalRequirement(" ", List.of(tier(1, "support")), DEADLINE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
