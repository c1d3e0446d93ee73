package dev.lapse.policy.pending;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.policy.rules.ApprovalTier;
import dev.lapse.policy.rules.PolicyDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PendingApprovalsTest {

    private static final Instant OPENED = Instant.parse("2026-03-01T09:00:00Z");
    private static final Duration TIMEOUT = Duration.ofHours(4);
    private static final Instant DURING = OPENED.plusSeconds(60);
    private static final Instant DEADLINE = OPENED.plus(TIMEOUT);
    private static final PolicyDecision.Require PEER_AND_OWNER = new PolicyDecision.Require(
            List.of(new ApprovalTier(1, List.of("support")), new ApprovalTier(1, List.of("data-owners"))),
            Duration.ofMinutes(30), TIMEOUT, "needs approval by 1 of support and 1 of data-owners",
            List.of("crm-read-named-columns", "crm-read-secret-columns"));

    /** Request ids name their partition: "p1-..." belongs to partition 1. */
    private final PendingApprovals table = new PendingApprovals(id -> id.charAt(1) - '0');

    @BeforeEach
    void ownTwoPartitions() {
        table.restore(0, List.of());
        table.restore(1, List.of());
    }

    private static AskedAccess asked(String requestId) {
        return new AskedAccess(requestId, "alice", List.of("support"), "postgres", "crm.public.customers",
                List.of("SELECT"), List.of("email", "ssn"), null, "fraud case", "INC-1", Duration.ofHours(1), "rest",
                null);
    }

    private PendingRequest opened(String requestId) {
        PendingRequest pending = PendingRequest.open(asked(requestId), PEER_AND_OWNER, OPENED);
        table.open(pending);
        table.commit();
        return pending;
    }

    private static CastVote vote(String voter, CastVote.Choice choice, String... groups) {
        return new CastVote("evt-" + voter + "-" + choice, voter, Set.of(groups), choice, null, DURING);
    }

    private VoteOutcome castAndCommit(String requestId, CastVote vote, Instant now) {
        VoteOutcome outcome = table.vote(requestId, vote, now);
        table.commit();
        return outcome;
    }

    @Test
    void open_decidesByTheOpeningPlusThePendingTimeout_withTheRulesTiersAndDuration() {
        PendingRequest pending = opened("p0-a");

        assertThat(pending.decideBy()).isEqualTo(DEADLINE);
        assertThat(pending.duration()).isEqualTo(Duration.ofMinutes(30));
        assertThat(pending.rules()).containsExactly("crm-read-named-columns", "crm-read-secret-columns");
        assertThat(pending.quorum().requirement().approverGroups()).containsExactly("data-owners", "support");
        assertThat(table.find("p0-a")).contains(pending);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void vote_approvedOnlyByTheSecondDistinctEligibleVoter_namingBoth() {
        opened("p0-a");

        VoteOutcome peer = castAndCommit("p0-a", vote("carol", CastVote.Choice.APPROVE, "support"), DURING);
        VoteOutcome owner = castAndCommit("p0-a", vote("dave", CastVote.Choice.APPROVE, "data-owners"), DURING);

        assertThat(peer).isInstanceOfSatisfying(VoteOutcome.StillPending.class, still ->
                assertThat(still.request().quorum().votes()).hasSize(1));
        assertThat(owner).isInstanceOfSatisfying(VoteOutcome.Decisive.class, decisive ->
                assertThat(decisive.decision()).isInstanceOfSatisfying(Decided.Approved.class, approved -> {
                    assertThat(approved.approvers()).containsExactly("carol", "dave");
                    assertThat(approved.request().quorum().votes()).hasSize(2);
                }));
        assertThat(table.find("p0-a")).isEmpty();
        assertThat(table.size()).isZero();
    }

    @Test
    void vote_oneApproverInBothTiers_countsOnce() {
        opened("p0-a");

        castAndCommit("p0-a", vote("erin", CastVote.Choice.APPROVE, "support", "data-owners"), DURING);

        assertThat(table.find("p0-a")).get().satisfies(pending ->
                assertThat(pending.quorum().votes()).hasSize(1));
    }

    @Test
    void vote_byTheRequester_isRefusedAndChangesNothing() {
        PendingRequest pending = opened("p0-a");

        VoteOutcome self = castAndCommit("p0-a", vote("alice", CastVote.Choice.APPROVE, "support"), DURING);

        assertThat(self).isInstanceOfSatisfying(VoteOutcome.Refused.class, refused -> {
            assertThat(refused.refusal()).isEqualTo(VoteRefusal.REQUESTER);
            assertThat(refused.refusal().tag()).isEqualTo("requester");
            assertThat(refused.timedOut()).isNull();
        });
        assertThat(table.find("p0-a")).contains(pending);
    }

    @Test
    void vote_byAnOutsider_isRefusedAsNotAnApprover() {
        PendingRequest pending = opened("p0-a");

        VoteOutcome outsider = castAndCommit("p0-a", vote("mallory", CastVote.Choice.APPROVE, "marketing"), DURING);

        assertThat(outsider).isInstanceOfSatisfying(VoteOutcome.Refused.class, refused ->
                assertThat(refused.refusal()).isEqualTo(VoteRefusal.NOT_AN_APPROVER));
        assertThat(table.find("p0-a")).contains(pending);
    }

    @Test
    void vote_sameEventTwice_orTheSameApproverAgain_countsOnce() {
        opened("p0-a");
        CastVote carol = vote("carol", CastVote.Choice.APPROVE, "support");
        castAndCommit("p0-a", carol, DURING);

        VoteOutcome sameEvent = castAndCommit("p0-a", carol, DURING);
        VoteOutcome sameVoter = castAndCommit("p0-a", new CastVote("evt-carol-again", "carol", Set.of("support"),
                CastVote.Choice.APPROVE, "again", DURING), DURING);

        assertThat(sameEvent).isInstanceOf(VoteOutcome.Duplicate.class);
        assertThat(sameVoter).isInstanceOf(VoteOutcome.Duplicate.class);
        assertThat(table.find("p0-a")).get().satisfies(pending ->
                assertThat(pending.quorum().votes()).hasSize(1));
    }

    @Test
    void vote_denyByAnEligibleApprover_deniesNamingTheVoterAndComment() {
        opened("p0-a");

        VoteOutcome outcome = castAndCommit("p0-a", new CastVote("evt-dave", "dave", Set.of("data-owners"),
                CastVote.Choice.DENY, "not for this case", DURING), DURING);

        assertThat(outcome).isInstanceOfSatisfying(VoteOutcome.Decisive.class, decisive ->
                assertThat(decisive.decision()).isInstanceOfSatisfying(Decided.Denied.class, denied ->
                        assertThat(denied.reason()).isEqualTo("denied by dave: not for this case")));
        assertThat(table.find("p0-a")).isEmpty();
    }

    @Test
    void withdraw_byTheRequester_endsTheRequest_byAnyoneElse_isRefused() {
        opened("p0-a");

        VoteOutcome byOther = castAndCommit("p0-a", vote("carol", CastVote.Choice.WITHDRAW, "support"), DURING);
        VoteOutcome byRequester = castAndCommit("p0-a", vote("alice", CastVote.Choice.WITHDRAW), DURING);

        assertThat(byOther).isInstanceOfSatisfying(VoteOutcome.Refused.class, refused ->
                assertThat(refused.refusal()).isEqualTo(VoteRefusal.NOT_THE_REQUESTER));
        assertThat(byRequester).isInstanceOfSatisfying(VoteOutcome.Decisive.class, decisive ->
                assertThat(decisive.decision()).isInstanceOf(Decided.Withdrawn.class));
        assertThat(table.find("p0-a")).isEmpty();
    }

    @Test
    void vote_onARequestNotPending_isRefused() {
        VoteOutcome outcome = table.vote("p0-unknown", vote("carol", CastVote.Choice.APPROVE, "support"), DURING);

        assertThat(outcome).isInstanceOfSatisfying(VoteOutcome.Refused.class, refused ->
                assertThat(refused.refusal()).isEqualTo(VoteRefusal.NOT_PENDING));
    }

    @Test
    void vote_atTheDeadline_isRefused_andTimesTheRequestOut() {
        PendingRequest pending = opened("p0-a");

        VoteOutcome late = castAndCommit("p0-a", vote("carol", CastVote.Choice.APPROVE, "support"), DEADLINE);

        assertThat(late).isInstanceOfSatisfying(VoteOutcome.Refused.class, refused -> {
            assertThat(refused.refusal()).isEqualTo(VoteRefusal.DEADLINE_PASSED);
            assertThat(refused.timedOut()).isEqualTo(new Decided.TimedOut(pending));
            assertThat(refused.timedOut().reason()).isEqualTo("no decision within PT4H");
        });
        assertThat(table.find("p0-a")).isEmpty();
    }

    @Test
    void timeOut_deniesEveryOverdueRequest_earliestFirst_andNothingElse() {
        PendingRequest first = opened("p1-first");
        PendingRequest later = PendingRequest.open(asked("p0-later"), PEER_AND_OWNER, OPENED.plusSeconds(10));
        table.open(later);
        table.commit();
        PendingRequest young = PendingRequest.open(asked("p0-young"), PEER_AND_OWNER, OPENED.plusSeconds(3600));
        table.open(young);
        table.commit();

        assertThat(table.timeOut(DEADLINE.minusMillis(1))).isEmpty();
        assertThat(table.nextDeadline()).contains(DEADLINE);
        List<Decided.TimedOut> due = table.timeOut(DEADLINE.plusSeconds(10));
        table.commit();

        assertThat(due).extracting(Decided.TimedOut::request).containsExactly(first, later);
        assertThat(table.find("p0-young")).contains(young);
        assertThat(table.nextDeadline()).contains(young.decideBy());
    }

    @Test
    void abort_dropsTheStagedChanges_whichReadsSawMeanwhile() {
        PendingRequest pending = opened("p0-a");
        table.vote("p0-a", vote("carol", CastVote.Choice.APPROVE, "support"), DURING);
        assertThat(table.find("p0-a")).get().satisfies(staged ->
                assertThat(staged.quorum().votes()).hasSize(1));
        table.open(PendingRequest.open(asked("p1-b"), PEER_AND_OWNER, DURING));

        table.abort();

        assertThat(table.find("p0-a")).contains(pending);
        assertThat(table.find("p1-b")).isEmpty();
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void restore_replacesThePartition_andForgetDropsIt() {
        opened("p0-a");
        PendingRequest other = PendingRequest.open(asked("p0-b"), PEER_AND_OWNER, OPENED);

        table.restore(0, List.of(other));
        assertThat(table.find("p0-a")).isEmpty();
        assertThat(table.find("p0-b")).contains(other);
        assertThat(table.size()).isEqualTo(1);

        table.forget(List.of(0));
        assertThat(table.owns(0)).isFalse();
        assertThat(table.size()).isZero();
        assertThat(table.nextDeadline()).isEmpty();
        assertThatThrownBy(() -> table.find("p0-b")).isInstanceOf(IllegalStateException.class)
                .hasMessage("partition 0 of request p0-b is not restored here");
    }

    @Test
    void restore_ofAPartitionWithStagedChanges_isRefused() {
        table.open(PendingRequest.open(asked("p0-a"), PEER_AND_OWNER, OPENED));

        assertThatThrownBy(() -> table.restore(0, List.of())).isInstanceOf(IllegalStateException.class);
        table.restore(1, List.of()); // another partition's restore is fine meanwhile
    }

    @Test
    void open_whenPendingAlready_isRefused() {
        opened("p0-a");

        assertThatThrownBy(() -> table.open(PendingRequest.open(asked("p0-a"), PEER_AND_OWNER, DURING)))
                .isInstanceOf(IllegalStateException.class).hasMessage("request p0-a is pending already");
    }
}
