package dev.lapse.policy.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.event.Vote;
import dev.lapse.policy.pending.AskedAccess;
import dev.lapse.policy.pending.CastVote;
import dev.lapse.policy.pending.PendingApprovals;
import dev.lapse.policy.pending.PendingRequest;
import dev.lapse.policy.rules.ApprovalTier;
import dev.lapse.policy.rules.PolicyDecision;
import dev.lapse.state.PendingApproval;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The durable state holds everything a later decision needs, and reads back as the request it was written from. */
class StateRecordsTest {

    private static final Instant OPENED = Instant.parse("2026-03-01T09:00:00.123Z");

    private static PendingRequest pendingWithAVote() {
        AskedAccess asked = new AskedAccess("req-1", "alice", List.of("support"), "postgres", "crm.public.customers",
                List.of("SELECT"), List.of("email", "ssn"), "region = 'EU'", "fraud case", "INC-1",
                Duration.ofHours(2), "rest", "req-0");
        PendingRequest opened = PendingRequest.open(asked, new PolicyDecision.Require(
                List.of(new ApprovalTier(1, List.of("support")), new ApprovalTier(1, List.of("data-owners"))),
                Duration.ofHours(1), Duration.ofHours(4), "needs approval", List.of("a", "b")), OPENED);
        PendingApprovals table = new PendingApprovals(id -> 0);
        table.restore(0, List.of(opened));
        table.vote("req-1", new CastVote("evt-1", "carol", Set.of("support"), CastVote.Choice.APPROVE, "ok",
                OPENED.plusSeconds(5)), OPENED.plusSeconds(6));
        return table.find("req-1").orElseThrow();
    }

    @Test
    void state_readsBackAsTheSamePendingRequest() {
        PendingRequest pending = pendingWithAVote();

        PendingApproval state = StateRecords.state(pending);

        assertThat(state.getRequester().getId()).isEqualTo("alice");
        assertThat(state.getScope().getRowFilter()).isEqualTo("region = 'EU'");
        assertThat(state.getExtendsRequestId()).isEqualTo("req-0");
        assertThat(state.getApprovedDurationMs()).isEqualTo(3_600_000L);
        assertThat(state.getDecideBy()).isEqualTo(OPENED.plus(Duration.ofHours(4)));
        assertThat(state.getRules()).containsExactly("a", "b");
        assertThat(state.getVotes()).singleElement().satisfies(vote -> {
            assertThat(vote.getVoter()).isEqualTo("carol");
            assertThat(vote.getVote()).isEqualTo(Vote.APPROVE);
            assertThat(vote.getVoterGroups()).containsExactly("support");
        });
        assertThat(StateRecords.pending(state)).isEqualTo(pending);
    }

    @Test
    void pending_refusesAStateTheRulesCouldNotHaveWritten() {
        PendingApproval state = StateRecords.state(pendingWithAVote());
        state.getVotes().get(0).setVoter("alice"); // the requester's own vote never counts

        assertThatThrownBy(() -> StateRecords.pending(state)).isInstanceOf(IllegalArgumentException.class);
    }
}
