package dev.lapse.request.approval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.request.identity.Caller;
import dev.lapse.request.timeline.RequestTimeline;
import dev.lapse.request.timeline.Stage;
import dev.lapse.request.timeline.TimelineBook;
import dev.lapse.request.timeline.TimelineEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VoteGateTest {

    private static final Instant T0 = Instant.parse("2026-11-28T09:00:00Z");
    private static final Caller ALICE = Caller.of("alice", Set.of("support"));
    private static final Caller BOB = Caller.of("bob", Set.of("support"));
    private static final Caller CAROL = Caller.of("carol", Set.of("data-owners"));
    private static final Caller MALLORY = Caller.of("mallory", Set.of("sales"));

    private final TimelineBook book = new TimelineBook(100);

    private void requested(String requestId, String requester) {
        book.apply(new TimelineEvent(requestId, requestId + "-req", Stage.REQUESTED, T0, "USER:" + requester,
                "requested", new TimelineEvent.RequestSummary(requester, "postgres:crm.public.customers",
                        "SELECT (ssn)", "INC-1", 3_600_000, "rest", new TimelineEvent.RequestedAccess("postgres",
                                "crm.public.customers", List.of("SELECT"), List.of("id", "ssn"), "region = 'EU'",
                                "INC-1", false, null)), null, null));
    }

    private void pending(String requestId) {
        book.apply(new TimelineEvent(requestId, requestId + "-pending", Stage.PENDING_APPROVAL, T0.plusMillis(5),
                "SERVICE:policy-engine", "pending", null, null, null, new TimelineEvent.ApprovalNeeded(List.of(
                        new TimelineEvent.Tier(1, List.of("support")),
                        new TimelineEvent.Tier(1, List.of("data-owners"))), T0.plus(Duration.ofHours(4))), null));
    }

    private void voted(String requestId, Caller voter, Choice choice, long atMs) {
        book.apply(new TimelineEvent(requestId, requestId + "-vote-" + voter.id() + atMs, Stage.VOTED,
                T0.plusMillis(atMs), "USER:" + voter.id(), "voted", null, null, null, null,
                new TimelineEvent.CastVote(voter.id(), choice.name(), T0.plusMillis(atMs))));
    }

    private void decided(String requestId, Stage stage) {
        book.apply(new TimelineEvent(requestId, requestId + "-" + stage, stage, T0.plusMillis(50),
                "SERVICE:policy-engine", stage.name(), null, null, null));
    }

    private RequestTimeline timeline(String requestId) {
        return book.find(requestId).orElseThrow();
    }

    @Test
    void check_thePendingRequestsApprovers_mayVote_othersAreRefusedWithWhy() {
        requested("r1", "alice");
        pending("r1");
        Instant now = T0.plusSeconds(60);

        assertThat(VoteGate.check(timeline("r1"), BOB, Choice.APPROVE, now)).isInstanceOf(Verdict.Allowed.class);
        assertThat(VoteGate.check(timeline("r1"), CAROL, Choice.DENY, now)).isInstanceOf(Verdict.Allowed.class);
        assertThat(VoteGate.check(timeline("r1"), ALICE, Choice.APPROVE, now))
                .isEqualTo(new Verdict.Refused(Verdict.Refusal.FORBIDDEN, "you cannot vote on your own request"));
        assertThat(VoteGate.check(timeline("r1"), MALLORY, Choice.APPROVE, now)).isEqualTo(new Verdict.Refused(
                Verdict.Refusal.FORBIDDEN, "only members of [data-owners, support] may vote on this request"));
    }

    @Test
    void check_withdrawal_onlyByTheRequester() {
        requested("r1", "alice");
        pending("r1");

        assertThat(VoteGate.check(timeline("r1"), ALICE, Choice.WITHDRAW, T0)).isInstanceOf(Verdict.Allowed.class);
        assertThat(VoteGate.check(timeline("r1"), BOB, Choice.WITHDRAW, T0)).isEqualTo(new Verdict.Refused(
                Verdict.Refusal.FORBIDDEN, "only the requester may withdraw a request"));
    }

    @Test
    void check_afterTheDecisionOrTheDeadline_isTooLate() {
        requested("r1", "alice");
        pending("r1");
        requested("r2", "alice");
        pending("r2");
        decided("r2", Stage.APPROVED);

        assertThat(VoteGate.check(timeline("r1"), BOB, Choice.APPROVE, T0.plus(Duration.ofHours(4))))
                .isEqualTo(new Verdict.Refused(Verdict.Refusal.TOO_LATE,
                        "request r1 timed out at " + T0.plus(Duration.ofHours(4))));
        assertThat(VoteGate.check(timeline("r2"), BOB, Choice.APPROVE, T0)).isEqualTo(new Verdict.Refused(
                Verdict.Refusal.TOO_LATE, "request r2 is already decided (status APPROVED)"));
        assertThat(VoteGate.check(timeline("r2"), ALICE, Choice.WITHDRAW, T0))
                .isInstanceOf(Verdict.Refused.class);
    }

    @Test
    void check_aRequestThatNeverWaitedForVotes_isTooLate() {
        requested("r1", "alice");

        assertThat(VoteGate.check(timeline("r1"), BOB, Choice.APPROVE, T0)).isEqualTo(new Verdict.Refused(
                Verdict.Refusal.TOO_LATE, "request r1 does not wait for votes (status REQUESTED)"));
    }

    @Test
    void inbox_showsWhatICanStillVoteOn_neverMyOwnNorWhatIVotedOnNorWhatIsDecided() {
        requested("mine", "bob");
        pending("mine");
        requested("open", "alice");
        pending("open");
        requested("votedOn", "alice");
        pending("votedOn");
        voted("votedOn", BOB, Choice.APPROVE, 10);
        requested("decided", "alice");
        pending("decided");
        decided("decided", Stage.DENIED);
        requested("auto", "alice");

        assertThat(VoteGate.inbox(book.awaitingVotes(), BOB, T0.plusSeconds(1)))
                .extracting(RequestTimeline::requestId).containsExactly("open");
        assertThat(VoteGate.inbox(book.awaitingVotes(), CAROL, T0.plusSeconds(1)))
                .extracting(RequestTimeline::requestId).containsExactly("mine", "open", "votedOn");
        assertThat(VoteGate.inbox(book.awaitingVotes(), MALLORY, T0.plusSeconds(1))).isEmpty();
        assertThat(book.awaitingVotes()).extracting(RequestTimeline::requestId)
                .containsExactly("mine", "open", "votedOn");
    }

    @Test
    void awaitingVotes_whenThePendingEventArrivesAfterTheDecision_isNotAwaiting() {
        requested("r1", "alice");
        decided("r1", Stage.APPROVED);
        pending("r1");

        assertThat(book.awaitingVotes()).isEmpty();
        assertThat(timeline("r1").approval().tiers()).hasSize(2);
    }

    @Test
    void grantGate_onlyTheRequester_onlyWhileTheGrantIsInForce() {
        requested("r1", "alice");
        book.apply(new TimelineEvent("r1", "r1-granted", Stage.GRANTED, T0.plusMillis(30), "SERVICE:grant-issuer",
                "granted", null, "g-1", T0.plus(Duration.ofHours(1))));

        assertThat(GrantGate.check(timeline("r1"), ALICE, T0.plusSeconds(1))).isInstanceOf(Verdict.Allowed.class);
        assertThat(GrantGate.check(timeline("r1"), BOB, T0.plusSeconds(1))).isEqualTo(new Verdict.Refused(
                Verdict.Refusal.FORBIDDEN, "only the grant's requester may end or extend it"));
        assertThat(GrantGate.check(timeline("r1"), ALICE, T0.plus(Duration.ofHours(1))))
                .isInstanceOf(Verdict.Refused.class);
        decided("r1", Stage.EXPIRED);
        assertThat(GrantGate.check(timeline("r1"), ALICE, T0.plusSeconds(1))).isEqualTo(new Verdict.Refused(
                Verdict.Refusal.TOO_LATE, "grant g-1 is no longer in force (status EXPIRED)"));
    }

    @Test
    void extension_asksForTheSameAccessLinkedToTheOldRequest_asTheCaller() {
        requested("r1", "alice");
        book.apply(new TimelineEvent("r1", "r1-granted", Stage.GRANTED, T0.plusMillis(30), "SERVICE:grant-issuer",
                "granted", null, "g-1", T0.plus(Duration.ofHours(1))));

        var submission = Extension.of(timeline("r1"), ALICE, Duration.ofMinutes(30), null, null);

        assertThat(submission.requestId()).isNull();
        assertThat(submission.requesterId()).isEqualTo("alice");
        assertThat(submission.requesterGroups()).containsExactly("support");
        assertThat(submission.resourceKind()).isEqualTo("postgres");
        assertThat(submission.resourceName()).isEqualTo("crm.public.customers");
        assertThat(submission.actions()).containsExactly("SELECT");
        assertThat(submission.columns()).containsExactly("id", "ssn");
        assertThat(submission.rowFilter()).isEqualTo("region = 'EU'");
        assertThat(submission.ticket()).isEqualTo("INC-1");
        assertThat(submission.duration()).isEqualTo(Duration.ofMinutes(30));
        assertThat(submission.reason()).isEqualTo("extends grant g-1: INC-1");
        assertThat(submission.extendsRequestId()).isEqualTo("r1");
        assertThat(submission.breakGlass()).isFalse();
    }
}
