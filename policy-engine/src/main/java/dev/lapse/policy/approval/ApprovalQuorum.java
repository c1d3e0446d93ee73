package dev.lapse.policy.approval;

import dev.lapse.policy.approval.ApprovalOutcome.Approved;
import dev.lapse.policy.approval.ApprovalOutcome.Denied;
import dev.lapse.policy.approval.ApprovalOutcome.Pending;
import dev.lapse.policy.approval.ApprovalOutcome.TierProgress;
import dev.lapse.policy.approval.ApprovalOutcome.TimedOut;
import dev.lapse.policy.approval.VoteResult.Refusal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The votes gathered on one request and what they add up to; immutable: casting a ballot returns a new quorum.
 *
 * <p>The rules, in the order they are applied to a ballot:
 * <ol>
 *   <li>A vote counts once. A ballot whose event id was already recorded is a duplicate, whatever it carries. A
 *       second ballot by a voter who already voted is a duplicate if it says the same, and is refused
 *       ({@link Refusal#ALREADY_VOTED}) if it says otherwise: the first vote stands, so a redelivered or raced old
 *       vote can never flip a decision, and nobody approves and then denies (or the reverse).</li>
 *   <li>The requester's vote never counts ({@link Refusal#REQUESTER}), whatever groups they are in.</li>
 *   <li>A voter in none of the approver groups of any tier is refused ({@link Refusal#NOT_AN_APPROVER}).</li>
 *   <li>At or after the deadline nothing more is recorded ({@link Refusal#DEADLINE_PASSED}); once approved or
 *       denied, neither ({@link Refusal#DECIDED}).</li>
 *   <li>Otherwise the ballot is recorded. A deny by an eligible approver ends the request at once: denied, even if
 *       the voter's own tier is already met. Approvals are assigned to tiers so that each approver counts once, in
 *       one tier, and the request is approved as soon as some assignment meets every tier.</li>
 * </ol>
 * Time is never read from a clock here: callers pass {@code now}.
 */
public final class ApprovalQuorum {

    /** Replaying a snapshot must not run into its deadline: the votes in it were recorded before it. */
    private static final Instant BEFORE_ANY_DEADLINE = Instant.MIN;

    private final ApprovalRequirement requirement;
    private final List<Ballot> votes;

    private ApprovalQuorum(ApprovalRequirement requirement, List<Ballot> votes) {
        this.requirement = Objects.requireNonNull(requirement, "requirement");
        this.votes = List.copyOf(votes);
    }

    /** A quorum with no votes yet. */
    public static ApprovalQuorum open(ApprovalRequirement requirement) {
        return new ApprovalQuorum(requirement, List.of());
    }

    /** What must be met. */
    public ApprovalRequirement requirement() {
        return requirement;
    }

    /** The recorded votes, in the order they were recorded. */
    public List<Ballot> votes() {
        return votes;
    }

    /** Casts one ballot at {@code now}. */
    public VoteResult cast(Ballot ballot, Instant now) {
        Objects.requireNonNull(ballot, "ballot");
        if (votes.stream().anyMatch(vote -> vote.eventId().equals(ballot.eventId()))) {
            return new VoteResult.Duplicate(this, outcome(now));
        }
        Optional<Ballot> earlier = votes.stream().filter(vote -> vote.voterId().equals(ballot.voterId())).findFirst();
        if (earlier.isPresent()) {
            if (earlier.get().choice() == ballot.choice()) {
                return new VoteResult.Duplicate(this, outcome(now));
            }
            return refuse(Refusal.ALREADY_VOTED, ballot.voterId() + " already voted "
                    + earlier.get().choice() + " and the first vote stands", now);
        }
        if (ballot.voterId().equals(requirement.requesterId())) {
            return refuse(Refusal.REQUESTER, ballot.voterId() + " asked for this access and cannot vote on it", now);
        }
        if (!requirement.admits(ballot.voterGroups())) {
            return refuse(Refusal.NOT_AN_APPROVER, ballot.voterId() + " is in none of the approver groups "
                    + requirement.approverGroups(), now);
        }
        ApprovalOutcome before = outcome(now);
        if (before instanceof TimedOut timedOut) {
            return refuse(Refusal.DEADLINE_PASSED, "the request timed out at " + timedOut.deadline(), now);
        }
        if (before.isFinal()) {
            return refuse(Refusal.DECIDED, "the request is already "
                    + (before instanceof Approved ? "approved" : "denied"), now);
        }
        List<Ballot> more = new ArrayList<>(votes);
        more.add(ballot);
        ApprovalQuorum next = new ApprovalQuorum(requirement, more);
        return new VoteResult.Recorded(next, next.outcome(now));
    }

    private VoteResult.Refused refuse(Refusal refusal, String reason, Instant now) {
        return new VoteResult.Refused(refusal, reason, this, outcome(now));
    }

    /** Where the request stands at {@code now}: a decision made before the deadline stands after it. */
    public ApprovalOutcome outcome(Instant now) {
        Objects.requireNonNull(now, "now");
        for (Ballot vote : votes) {
            if (vote.choice() == Ballot.Choice.DENY) {
                return new Denied(vote.voterId(), vote.comment());
            }
        }
        List<ApprovalRequirement.Tier> tiers = requirement.tiers();
        TierMatching matching = TierMatching.assign(tiers,
                votes.stream().map(Ballot::voterGroups).toList());
        List<List<String>> byTier = matching.holders().stream()
                .map(holders -> holders.stream().map(i -> votes.get(i).voterId()).toList())
                .toList();
        if (matching.complete()) {
            List<String> approvers = new ArrayList<>();
            for (int i = 0; i < votes.size(); i++) {
                if (matching.tierOf(i) >= 0) {
                    approvers.add(votes.get(i).voterId());
                }
            }
            return new Approved(approvers, byTier);
        }
        if (!now.isBefore(requirement.decideBy())) {
            return new TimedOut(requirement.decideBy());
        }
        List<TierProgress> progress = new ArrayList<>();
        for (int t = 0; t < tiers.size(); t++) {
            progress.add(new TierProgress(tiers.get(t), byTier.get(t)));
        }
        Set<String> helpful = new HashSet<>();
        matching.tiersThatCanTakeMore().forEach(t -> helpful.addAll(tiers.get(t).groups()));
        Set<String> excluded = new HashSet<>();
        excluded.add(requirement.requesterId());
        votes.forEach(vote -> excluded.add(vote.voterId()));
        return new Pending(progress, helpful, excluded);
    }

    /** This quorum as plain values, to be stored. */
    public QuorumSnapshot snapshot() {
        return new QuorumSnapshot(
                requirement.requesterId(),
                requirement.tiers().stream()
                        .map(tier -> new QuorumSnapshot.TierSnapshot(tier.required(), List.copyOf(tier.groups())))
                        .toList(),
                requirement.decideBy().toEpochMilli(),
                votes.stream()
                        .map(vote -> new QuorumSnapshot.VoteSnapshot(vote.eventId(), vote.voterId(),
                                List.copyOf(vote.voterGroups()), vote.choice().name(), vote.comment(),
                                vote.castAt().toEpochMilli()))
                        .toList());
    }

    /**
     * The quorum a snapshot describes. Its votes are replayed through the same rules, so a snapshot that could not
     * have come from {@link #snapshot()} (a requester's vote, two denies, a vote after the decision, …) is refused
     * with an {@link IllegalArgumentException} rather than restored into a state the rules forbid.
     */
    public static ApprovalQuorum restore(QuorumSnapshot snapshot) {
        ApprovalRequirement requirement = new ApprovalRequirement(
                snapshot.requesterId(),
                snapshot.tiers().stream()
                        .map(tier -> new ApprovalRequirement.Tier(tier.required(), Set.copyOf(tier.groups())))
                        .toList(),
                Instant.ofEpochMilli(snapshot.decideByEpochMillis()));
        ApprovalQuorum quorum = open(requirement);
        for (QuorumSnapshot.VoteSnapshot vote : snapshot.votes()) {
            Ballot ballot = new Ballot(vote.eventId(), vote.voterId(), Set.copyOf(vote.voterGroups()),
                    Ballot.Choice.valueOf(vote.choice()), vote.comment(), Instant.ofEpochMilli(vote.castAtEpochMillis()));
            VoteResult result = quorum.cast(ballot, BEFORE_ANY_DEADLINE);
            if (!(result instanceof VoteResult.Recorded recorded)) {
                throw new IllegalArgumentException("snapshot holds a vote the rules would not record: " + vote
                        + (result instanceof VoteResult.Refused refused ? " (" + refused.reason() + ")" : " (duplicate)"));
            }
            quorum = recorded.quorum();
        }
        return quorum;
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof ApprovalQuorum that && requirement.equals(that.requirement) && votes.equals(that.votes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(requirement, votes);
    }

    @Override
    public String toString() {
        return "ApprovalQuorum[" + requirement + ", votes=" + votes.stream()
                .map(vote -> vote.voterId() + ":" + vote.choice()).collect(Collectors.joining(", ")) + "]";
    }
}
