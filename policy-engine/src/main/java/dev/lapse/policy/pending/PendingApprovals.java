package dev.lapse.policy.pending;

import dev.lapse.policy.approval.ApprovalOutcome;
import dev.lapse.policy.approval.Ballot;
import dev.lapse.policy.approval.VoteResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToIntFunction;

/**
 * The requests waiting for votes in the partitions one consumer owns, and what votes and the clock do to them.
 *
 * <p><b>Staged changes.</b> Every change ({@link #open}, a vote, a time-out) is staged first and becomes the table's
 * state only when the Kafka transaction it was written in commits ({@link #commit()}); an aborted transaction drops
 * it ({@link #abort()}). So the table never holds what Kafka does not, and a record handled again after an abort
 * meets the state it met the first time, not its own effect. Reads ({@link #find}) see the staged changes, so a
 * second vote in the same transaction counts the first.
 *
 * <p><b>Ownership.</b> A request belongs to one partition ({@code partitionOf} its id). Only the partitions
 * {@link #restore restored} here are known; asking about another is a bug of the caller (it reads the partition's
 * state back before it handles the partition's records) and throws.
 *
 * <p><b>Time-outs.</b> Deadlines are kept in order, so {@link #nextDeadline()} is O(log n) and {@link #timeOut} visits
 * only the overdue requests. Time comes from the caller ({@code now}); nothing here reads a clock.
 *
 * <p>Not thread-safe: one owner thread (the consumer's) calls everything; {@link #size()} may be read from any thread.
 */
public final class PendingApprovals {

    private static final Comparator<Deadline> BY_DEADLINE =
            Comparator.comparing(Deadline::decideBy).thenComparing(Deadline::requestId);

    private final ToIntFunction<String> partitionOf;
    private final Map<Integer, Map<String, PendingRequest>> byPartition = new HashMap<>();
    private final NavigableSet<Deadline> deadlines = new TreeSet<>(BY_DEADLINE);
    /** The running transaction's changes, by request id; empty means decided (removed). */
    private final Map<String, Optional<PendingRequest>> staged = new LinkedHashMap<>();
    private volatile int size;

    /** @param partitionOf the partition a request id belongs to, on every topic */
    public PendingApprovals(ToIntFunction<String> partitionOf) {
        this.partitionOf = partitionOf;
    }

    /** A request's deadline, in the order time-outs are due. */
    private record Deadline(Instant decideBy, String requestId) {
    }

    /**
     * Takes the pending requests of {@code partition} as read back from the durable state, replacing whatever was
     * known of it; from now on the partition is owned here.
     *
     * @throws IllegalStateException while changes to the partition are staged (a request of a partition not
     *     restored cannot have changed; a restored one is restored again only between transactions)
     */
    public void restore(int partition, Collection<PendingRequest> requests) {
        forget(List.of(partition));
        Map<String, PendingRequest> table = new HashMap<>();
        for (PendingRequest request : requests) {
            if (partitionOf.applyAsInt(request.requestId()) != partition) {
                throw new IllegalArgumentException("request " + request.requestId() + " belongs to partition "
                        + partitionOf.applyAsInt(request.requestId()) + ", not " + partition);
            }
            table.put(request.requestId(), request);
            deadlines.add(new Deadline(request.decideBy(), request.requestId()));
        }
        byPartition.put(partition, table);
        size += table.size();
    }

    /** Gives partitions up: their requests are forgotten here (whoever owns them next reads them back). */
    public void forget(Collection<Integer> partitions) {
        for (int partition : partitions) {
            requireNothingStaged(partition);
            Map<String, PendingRequest> table = byPartition.remove(partition);
            if (table != null) {
                table.values().forEach(request -> deadlines.remove(new Deadline(request.decideBy(),
                        request.requestId())));
                size -= table.size();
            }
        }
    }

    /** Whether {@code partition} is restored here. */
    public boolean owns(int partition) {
        return byPartition.containsKey(partition);
    }

    /** The partitions restored here. */
    public Set<Integer> partitions() {
        return Set.copyOf(byPartition.keySet());
    }

    /** How many requests are pending, as committed. */
    public int size() {
        return size;
    }

    /**
     * The pending request of that id, staged changes included.
     *
     * @throws IllegalStateException if the request's partition is not restored here
     */
    public Optional<PendingRequest> find(String requestId) {
        Optional<PendingRequest> change = staged.get(requestId);
        if (change != null) {
            return change;
        }
        return Optional.ofNullable(table(requestId).get(requestId));
    }

    /**
     * Puts a request on hold (staged).
     *
     * @throws IllegalStateException if a request of that id is pending already
     */
    public void open(PendingRequest request) {
        if (find(request.requestId()).isPresent()) {
            throw new IllegalStateException("request " + request.requestId() + " is pending already");
        }
        staged.put(request.requestId(), Optional.of(request));
    }

    /**
     * Applies one vote at {@code now} (staged). In this order: a request that is not pending refuses it; a request
     * past its deadline times out, and the vote is refused; a withdrawal by the requester ends the request, by anyone
     * else is refused; an approve or deny goes through the request's {@link dev.lapse.policy.approval.ApprovalQuorum}
     * and its rules (the requester never counts, nor a voter outside the approver groups; a vote counts once).
     */
    public VoteOutcome vote(String requestId, CastVote vote, Instant now) {
        Optional<PendingRequest> found = find(requestId);
        if (found.isEmpty()) {
            return new VoteOutcome.Refused(VoteRefusal.NOT_PENDING, "request " + requestId
                    + " is not pending: unknown, or decided already", null);
        }
        PendingRequest pending = found.get();
        if (!now.isBefore(pending.decideBy())) {
            decide(pending);
            return new VoteOutcome.Refused(VoteRefusal.DEADLINE_PASSED, "the request timed out at "
                    + pending.decideBy(), new Decided.TimedOut(pending));
        }
        if (vote.choice() == CastVote.Choice.WITHDRAW) {
            if (!vote.voterId().equals(pending.asked().requesterId())) {
                return new VoteOutcome.Refused(VoteRefusal.NOT_THE_REQUESTER, vote.voterId()
                        + " did not ask for this access and cannot withdraw it", null);
            }
            decide(pending);
            return new VoteOutcome.Decisive(new Decided.Withdrawn(pending));
        }
        Ballot ballot = new Ballot(vote.eventId(), vote.voterId(), vote.voterGroups(),
                vote.choice() == CastVote.Choice.APPROVE ? Ballot.Choice.APPROVE : Ballot.Choice.DENY, vote.comment(),
                vote.castAt());
        VoteResult result = pending.quorum().cast(ballot, now);
        if (result instanceof VoteResult.Duplicate) {
            return new VoteOutcome.Duplicate(vote.voterId() + " voted " + vote.choice() + " already; it counts once");
        }
        if (result instanceof VoteResult.Refused refused) {
            return new VoteOutcome.Refused(VoteRefusal.of(refused.refusal()), refused.reason(), null);
        }
        PendingRequest next = pending.with(result.quorum());
        ApprovalOutcome outcome = result.outcome();
        if (outcome instanceof ApprovalOutcome.Approved approved) {
            decide(next);
            return new VoteOutcome.Decisive(new Decided.Approved(next, approved.approvers()));
        }
        if (outcome instanceof ApprovalOutcome.Denied denied) {
            decide(next);
            return new VoteOutcome.Decisive(new Decided.Denied(next, denied.by(), denied.comment()));
        }
        if (outcome instanceof ApprovalOutcome.TimedOut) {
            decide(next); // not reached: the deadline was checked above, at the same instant
            return new VoteOutcome.Decisive(new Decided.TimedOut(next));
        }
        staged.put(requestId, Optional.of(next));
        return new VoteOutcome.StillPending(next);
    }

    /** Times out (staged) every request whose deadline is at or before {@code now}, earliest first. */
    public List<Decided.TimedOut> timeOut(Instant now) {
        List<Decided.TimedOut> timedOut = new ArrayList<>();
        for (Deadline due : deadlines.headSet(new Deadline(now, "\uffff"), true)) {
            Optional<PendingRequest> current = find(due.requestId());
            if (current.isPresent() && !now.isBefore(current.get().decideBy())) {
                decide(current.get());
                timedOut.add(new Decided.TimedOut(current.get()));
            }
        }
        return timedOut;
    }

    /** The earliest deadline of a committed pending request, if any. */
    public Optional<Instant> nextDeadline() {
        return deadlines.isEmpty() ? Optional.empty() : Optional.of(deadlines.first().decideBy());
    }

    /** The staged changes are durable now: they become the table's state. */
    public void commit() {
        for (Map.Entry<String, Optional<PendingRequest>> change : staged.entrySet()) {
            Map<String, PendingRequest> table = byPartition.get(partitionOf.applyAsInt(change.getKey()));
            if (table == null) {
                continue; // not reached: partitions are given up only between transactions
            }
            PendingRequest before = change.getValue().isPresent()
                    ? table.put(change.getKey(), change.getValue().get())
                    : table.remove(change.getKey());
            if (before != null) {
                deadlines.remove(new Deadline(before.decideBy(), before.requestId()));
                size--;
            }
            if (change.getValue().isPresent()) {
                deadlines.add(new Deadline(change.getValue().get().decideBy(), change.getKey()));
                size++;
            }
        }
        staged.clear();
    }

    /** The staged changes never happened (their transaction aborted): they are dropped. */
    public void abort() {
        staged.clear();
    }

    private void decide(PendingRequest request) {
        staged.put(request.requestId(), Optional.empty());
    }

    private Map<String, PendingRequest> table(String requestId) {
        int partition = partitionOf.applyAsInt(requestId);
        Map<String, PendingRequest> table = byPartition.get(partition);
        if (table == null) {
            throw new IllegalStateException("partition " + partition + " of request " + requestId
                    + " is not restored here");
        }
        return table;
    }

    private void requireNothingStaged(int partition) {
        if (staged.keySet().stream().anyMatch(requestId -> partitionOf.applyAsInt(requestId) == partition)) {
            throw new IllegalStateException("partition " + partition + " has staged changes; it is restored or"
                    + " given up only between transactions");
        }
    }
}
